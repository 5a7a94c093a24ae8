//! Source text from tokens: `syn` parses, `prettyplease` prints.
//!
//! prettyplease prints the body of a macro call as one flow of tokens. The calls of the
//! runtime's macros (`operation! { .. }`, `open_enum! { .. }`) have bodies that parse as Rust
//! items, and are printed as those items, indented, the way one would write them by hand.
//!
//! prettyplease puts no blank line between items either. Before printing, a marker item
//! (`__stitch_blank_line__!();`) goes between every two items of a file, of an `impl` or
//! `trait` block, of an inline module and of a macro body printed as items (two `use` items
//! stay together); each marker's line is then printed as an empty line. The markers follow the
//! syntax tree, not the text, so the result is deterministic and never touches a string.

pub(super) mod docs;
mod split;

use proc_macro2::TokenStream;

use super::EmitError;

/// Parses `tokens` as the items (and inner attributes) of a file and prints them.
pub(super) fn format(file: &str, tokens: TokenStream) -> Result<String, EmitError> {
    let parsed = match split::items(&tokens) {
        Some(parsed) => parsed,
        // Whatever the split does not read is parsed whole, as it always could be (and an
        // error, a bug in stitch, is syn's message for the whole piece).
        None => syn::parse2(tokens).map_err(|e| EmitError {
            file: file.to_owned(),
            message: e.to_string(),
        })?,
    };
    let mut out = String::new();
    let mut batch = parsed;
    let items = spaced(std::mem::take(&mut batch.items));
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
    docs::restore(out).ok_or_else(|| EmitError {
        file: file.to_owned(),
        message: "a doc line's stand-in was printed other than as a `///` line".to_owned(),
    })
}

/// Prints and empties `batch`.
fn flush(batch: &mut syn::File, out: &mut String) {
    if !batch.attrs.is_empty() || !batch.items.is_empty() {
        out.push_str(&blank_lines(&prettyplease::unparse(batch)));
        batch.attrs.clear();
        batch.items.clear();
    }
}

/// The name of the marker macro that stands for a blank line.
const BLANK: &str = "__stitch_blank_line__";

/// The line prettyplease prints for a marker (indentation aside).
const BLANK_LINE: &str = "__stitch_blank_line__!();";

/// `text` with each marker's line (the marker alone, whitespace around it) made empty. Only
/// the lines the marker is found on are looked at; the text between them is copied whole.
fn blank_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    // `text[..copied]` is in `out`.
    let mut copied = 0;
    for (at, _) in text.match_indices(BLANK_LINE) {
        if at < copied {
            continue;
        }
        let (start, end) = line_around(text, at);
        if text[start..end].trim() == BLANK_LINE {
            out.push_str(&text[copied..start]);
            out.push('\n');
            copied = end;
        }
    }
    out.push_str(&text[copied..]);
    out
}

/// The line of `text` that byte `at` is on: from the start of the line to past its `\n` (or
/// to the end of the text).
fn line_around(text: &str, at: usize) -> (usize, usize) {
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let end = text[at..].find('\n').map_or(text.len(), |i| at + i + 1);
    (start, end)
}

fn marker() -> syn::Macro {
    let path = syn::Ident::new(BLANK, proc_macro2::Span::call_site());
    syn::Macro {
        path: path.into(),
        bang_token: Default::default(),
        delimiter: syn::MacroDelimiter::Paren(Default::default()),
        tokens: TokenStream::new(),
    }
}

/// `items` with a marker between every two of them (see [`apart`]), and between every two
/// items inside each `impl`, `trait` and inline module.
fn spaced(items: Vec<syn::Item>) -> Vec<syn::Item> {
    let mut out: Vec<syn::Item> = Vec::with_capacity(items.len() * 2);
    for mut item in items {
        match &mut item {
            syn::Item::Impl(block) => {
                block.items = between(
                    std::mem::take(&mut block.items),
                    |_, _| true,
                    || {
                        syn::ImplItem::Macro(syn::ImplItemMacro {
                            attrs: Vec::new(),
                            mac: marker(),
                            semi_token: Some(Default::default()),
                        })
                    },
                );
            }
            syn::Item::Trait(block) => {
                block.items = between(
                    std::mem::take(&mut block.items),
                    |_, _| true,
                    || {
                        syn::TraitItem::Macro(syn::TraitItemMacro {
                            attrs: Vec::new(),
                            mac: marker(),
                            semi_token: Some(Default::default()),
                        })
                    },
                );
            }
            syn::Item::Mod(module) => {
                if let Some((_, inner)) = &mut module.content {
                    *inner = spaced(std::mem::take(inner));
                }
            }
            _ => {}
        }
        if out.last().is_some_and(|last| apart(last, &item)) {
            out.push(syn::Item::Macro(syn::ItemMacro {
                attrs: Vec::new(),
                ident: None,
                mac: marker(),
                semi_token: Some(Default::default()),
            }));
        }
        out.push(item);
    }
    out
}

/// Whether a blank line goes between two items: always, but between two `use` items and
/// between two `mod NAME;` declarations without attributes.
fn apart(first: &syn::Item, second: &syn::Item) -> bool {
    let declaration = |item: &syn::Item| matches!(item, syn::Item::Mod(module) if module.content.is_none() && module.attrs.is_empty());
    let uses = matches!((first, second), (syn::Item::Use(_), syn::Item::Use(_)));
    !(uses || declaration(first) && declaration(second))
}

/// `items` with `marker()` between every two for which `apart` holds.
fn between<T>(items: Vec<T>, apart: impl Fn(&T, &T) -> bool, marker: impl Fn() -> T) -> Vec<T> {
    let mut out: Vec<T> = Vec::with_capacity(items.len() * 2);
    for item in items {
        if out.last().is_some_and(|last| apart(last, &item)) {
            out.push(marker());
        }
        out.push(item);
    }
    out
}

/// The lines between the first and the last of `text` (an `impl` block printed alone: its
/// items, indented).
pub(super) fn impl_body(text: &str) -> String {
    let body = text.split_once('\n').map_or("", |(_, rest)| rest);
    body.strip_suffix("}\n").unwrap_or(body).to_owned()
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
    if item.ident.is_some() {
        return None;
    }
    // Outer attributes (a feature's `cfg`) as prettyplease prints them on an item: on a marker
    // call, whose own line is then cut.
    let attrs = if item.attrs.is_empty() {
        String::new()
    } else {
        let attrs = &item.attrs;
        let marker = syn::Ident::new(BLANK, proc_macro2::Span::call_site());
        let carrier: syn::File = syn::parse2(quote::quote!(#(#attrs)* #marker!();)).ok()?;
        let text = prettyplease::unparse(&carrier);
        text.strip_suffix(&format!("{BLANK_LINE}\n"))?.to_owned()
    };
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
    let mut body: syn::File = syn::parse2(item.mac.tokens.clone()).ok()?;
    if !body.attrs.is_empty() {
        return None;
    }
    body.items = spaced(std::mem::take(&mut body.items));
    let body = blank_lines(&prettyplease::unparse(&body));
    Some(format!("{attrs}{path}! {{\n{}}}\n", indent(&body)))
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
                 pub fn list_pets() -> ListPets {}\n\
                 \n    \
                 type Value = Vec<types::Pet>;\n\
             }\n\
             \n\
             super::runtime::open_enum! {\n    \
                 /// The status.\n    \
                 pub enum Status {\n        \
                     Open = \"open\",\n        \
                     Closed = \"closed\",\n    \
                 }\n\
             }\n\
             \n\
             other!(a b c);\n\
             \n\
             fn f() {}\n"
        );
    }

    /// One blank line between items, in impls and inline modules too; none between `use`
    /// items, `mod` declarations, fields, variants or statements; a string that looks like
    /// the marker is left alone.
    #[test]
    fn items_are_set_apart_by_one_blank_line() {
        let tokens = quote! {
            use a::b;
            use c::d;
            mod x;
            mod y;
            struct S { a: u8, b: u8 }
            impl S {
                const N: u8 = 1;
                fn f(&self) -> &str { let x = 1; let _ = x; "__stitch_blank_line__!();" }
                fn g() {}
            }
            trait T { fn t(); fn u(); }
            mod m { fn i() {} fn j() {} }
        };
        let text = format("test", tokens).unwrap_or_default();
        assert_eq!(
            text,
            "use a::b;\n\
             use c::d;\n\
             \n\
             mod x;\n\
             mod y;\n\
             \n\
             struct S {\n    a: u8,\n    b: u8,\n}\n\
             \n\
             impl S {\n    \
                 const N: u8 = 1;\n\
                 \n    \
                 fn f(&self) -> &str {\n        \
                     let x = 1;\n        \
                     let _ = x;\n        \
                     \"__stitch_blank_line__!();\"\n    \
                 }\n\
                 \n    \
                 fn g() {}\n\
             }\n\
             \n\
             trait T {\n    fn t();\n\n    fn u();\n}\n\
             \n\
             mod m {\n    fn i() {}\n\n    fn j() {}\n}\n"
        );
    }

    /// A feature's `cfg` on a macro call is printed above it; the body still as Rust.
    #[test]
    fn macro_calls_keep_their_attributes() {
        let tokens = quote! {
            #[cfg(any(feature = "a", feature = "b"))]
            super::runtime::open_enum! {
                pub enum Status { Open = "open", }
            }
        };
        let text = format("test", tokens).unwrap_or_default();
        assert_eq!(
            text,
            "#[cfg(any(feature = \"a\", feature = \"b\"))]\n\
             super::runtime::open_enum! {\n    \
                 pub enum Status {\n        \
                     Open = \"open\",\n    \
                 }\n\
             }\n"
        );
    }

    #[test]
    fn an_impl_body_is_its_inner_lines() {
        assert_eq!(impl_body("impl S {\n    fn f() {}\n}\n"), "    fn f() {}\n");
    }
}
