//! Source text from tokens: `syn` parses, `prettyplease` prints.
//!
//! prettyplease prints the body of a macro call as one flow of tokens. The calls of the
//! runtime's macros (`operation! { .. }`, `open_enum! { .. }`) have bodies that parse as Rust
//! items, and are printed as those items, indented, the way one would write them by hand.

use proc_macro2::TokenStream;

use super::EmitError;

/// Parses `tokens` as the items (and inner attributes) of a file and prints them.
pub(super) fn format(file: &str, tokens: TokenStream) -> Result<String, EmitError> {
    let parsed: syn::File = syn::parse2(tokens).map_err(|e| EmitError {
        file: file.to_owned(),
        message: e.to_string(),
    })?;
    let mut out = String::new();
    let mut batch = parsed;
    let items = std::mem::take(&mut batch.items);
    for item in items {
        if let syn::Item::Macro(mac) = &item {
            if let Some(text) = macro_call(mac) {
                flush(&mut batch, &mut out);
                out.push_str(&text);
                continue;
            }
        }
        batch.items.push(item);
    }
    flush(&mut batch, &mut out);
    Ok(out)
}

/// Prints and empties `batch`.
fn flush(batch: &mut syn::File, out: &mut String) {
    if !batch.attrs.is_empty() || !batch.items.is_empty() {
        out.push_str(&prettyplease::unparse(batch));
        batch.attrs.clear();
        batch.items.clear();
    }
}

/// Indents every line that is not empty by four spaces.
pub(super) fn indent(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for line in text.split_inclusive('\n') {
        if line != "\n" {
            out.push_str("    ");
        }
        out.push_str(line);
    }
    out
}

/// A macro call whose body is Rust, printed as such; `None` for any other item.
fn macro_call(item: &syn::ItemMacro) -> Option<String> {
    if !item.attrs.is_empty() || item.ident.is_some() {
        return None;
    }
    let mut path = String::new();
    for (i, segment) in item.mac.path.segments.iter().enumerate() {
        if !segment.arguments.is_none() {
            return None;
        }
        if i > 0 || item.mac.path.leading_colon.is_some() {
            path.push_str("::");
        }
        path.push_str(&segment.ident.to_string());
    }
    if !matches!(item.mac.delimiter, syn::MacroDelimiter::Brace(_)) {
        return None;
    }
    let body: syn::File = syn::parse2(item.mac.tokens.clone()).ok()?;
    if !body.attrs.is_empty() {
        return None;
    }
    let body = prettyplease::unparse(&body);
    Some(format!("{path}! {{\n{}}}\n", indent(&body)))
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::*;

    #[test]
    fn macro_bodies_that_are_rust_are_printed_as_rust() {
        let tokens = quote! {
            runtime::operation! {
                pub fn list_pets() -> ListPets {}
                type Value = Vec<types::Pet>;
            }
            super::runtime::open_enum! {
                #[doc = " The status."]
                pub enum Status { Open = "open", Closed = "closed", }
            }
            other!(a b c);
            fn f() {}
        };
        let text = format("test", tokens).unwrap_or_default();
        assert_eq!(
            text,
            "runtime::operation! {\n    \
                 pub fn list_pets() -> ListPets {}\n    \
                 type Value = Vec<types::Pet>;\n\
             }\n\
             super::runtime::open_enum! {\n    \
                 /// The status.\n    \
                 pub enum Status {\n        \
                     Open = \"open\",\n        \
                     Closed = \"closed\",\n    \
                 }\n\
             }\n\
             other!(a b c);\n\
             fn f() {}\n"
        );
    }
}
