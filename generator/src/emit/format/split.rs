//! A piece's items, with each call of a runtime macro read without copying its body.
//!
//! Most of a piece is calls of the runtime's macros (`operation! { .. }`, `object! { .. }`),
//! whose bodies `format` parses as items. Parsed whole, `syn` would first copy every token of
//! each body into its buffer and again into the call's token stream, only for `format` to parse
//! the body once more. Here the piece's top-level tokens are cut at those calls instead: a call
//! (`#[attr]* path! { .. }` where an item starts, no `;` after it) becomes its
//! `syn::ItemMacro` holding the body's own tokens (shared, not copied), and the tokens between
//! calls are parsed as items as before.
//!
//! Invariant: the items are those `syn::parse2::<syn::File>` gives for the same tokens; where
//! the cut cannot promise that (a call syn would read otherwise, inner attributes after a
//! call, a run that does not parse), it returns `None` and the caller parses the piece whole.

use proc_macro2::{Delimiter, TokenStream, TokenTree};

/// The file `tokens` parse as, if every run between macro calls parses on its own.
pub(super) fn items(tokens: &TokenStream) -> Option<syn::File> {
    let trees: Vec<TokenTree> = tokens.clone().into_iter().collect();
    let mut file = syn::File {
        shebang: None,
        frontmatter: None,
        attrs: Vec::new(),
        items: Vec::new(),
    };
    // Where the run of ordinary tokens before the next call starts.
    let mut run = 0;
    let mut i = 0;
    while i < trees.len() {
        let starts_item = i == 0
            || match &trees[i - 1] {
                TokenTree::Punct(p) => p.as_char() == ';',
                TokenTree::Group(g) => g.delimiter() == Delimiter::Brace,
                _ => false,
            };
        let call = if starts_item {
            call_at(&trees, i)
        } else {
            None
        };
        let Some((body, end)) = call else {
            i += 1;
            continue;
        };
        parse_run(&trees[run..i], run == 0, &mut file)?;
        // The call's attributes, path and `!`, parsed by syn with an empty body; then the
        // body's tokens put in.
        let mut head: TokenStream = trees[i..end - 1].iter().cloned().collect();
        head.extend([TokenTree::Group(proc_macro2::Group::new(
            Delimiter::Brace,
            TokenStream::new(),
        ))]);
        let mut item: syn::ItemMacro = syn::parse2(head).ok()?;
        if item.ident.is_some() || item.semi_token.is_some() {
            return None;
        }
        item.mac.tokens = body;
        file.items.push(syn::Item::Macro(item));
        run = end;
        i = end;
    }
    parse_run(&trees[run..], run == 0, &mut file)?;
    Some(file)
}

/// Parses `trees` as items onto `file`; inner attributes only at the start of the file.
fn parse_run(trees: &[TokenTree], first: bool, file: &mut syn::File) -> Option<()> {
    if trees.is_empty() {
        return Some(());
    }
    let parsed: syn::File = syn::parse2(trees.iter().cloned().collect()).ok()?;
    if !parsed.attrs.is_empty() {
        if !first {
            return None;
        }
        file.attrs = parsed.attrs;
    }
    file.items.extend(parsed.items);
    Some(())
}

/// The body of the macro call `#[attr]* path! { body }` at `i`, and the index after it: a
/// path of identifiers (`a::b::c`, `::a`), directly followed by `!` and a brace group, and not
/// by `;`.
fn call_at(trees: &[TokenTree], mut i: usize) -> Option<(TokenStream, usize)> {
    let punct =
        |i: usize, c: char| matches!(trees.get(i), Some(TokenTree::Punct(p)) if p.as_char() == c);
    let colons = |i: usize| punct(i, ':') && punct(i + 1, ':');
    // Outer attributes.
    while punct(i, '#') {
        match trees.get(i + 1) {
            Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Bracket => i += 2,
            _ => return None,
        }
    }
    if colons(i) {
        i += 2;
    }
    loop {
        if !matches!(trees.get(i), Some(TokenTree::Ident(_))) {
            return None;
        }
        i += 1;
        if colons(i) {
            i += 2;
        } else {
            break;
        }
    }
    if !punct(i, '!') {
        return None;
    }
    let body = match trees.get(i + 1) {
        Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Brace => g.stream(),
        _ => return None,
    };
    if punct(i + 2, ';') {
        return None;
    }
    Some((body, i + 2))
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::*;

    /// The cut gives what a whole parse gives, calls with attributes and inner attributes too.
    #[test]
    fn the_items_are_those_of_a_whole_parse() {
        let cases = [
            quote! {
                #![doc = " A module."]
                use a::b;
                runtime::operation! { pub fn f() -> F {} type Value = u8; }
                #[cfg(feature = "x")]
                super::runtime::object! { pub struct S { a: u8 } }
                ::m::n! { x y z }
                impl S { fn g() {} }
                other!(a b c);
                macro_rules! m { () => {} }
                struct T;
                last! { }
            },
            quote! {
                runtime::operation! { pub fn f() -> F {} }
            },
            quote! {},
            // A call after inner attributes stays in the run, which parses it.
            quote! {
                #![allow(dead_code)]
                m! { a }
                fn f() {}
            },
        ];
        for tokens in cases {
            let whole: syn::File = syn::parse2(tokens.clone()).unwrap_or_else(|e| panic!("{e}"));
            let cut = items(&tokens).unwrap_or_else(|| panic!("not cut: {tokens}"));
            assert_eq!(
                prettyplease::unparse(&cut),
                prettyplease::unparse(&whole),
                "{tokens}"
            );
            assert_eq!(cut.items.len(), whole.items.len());
            assert_eq!(cut.attrs.len(), whole.attrs.len());
        }
    }

    /// What the cut cannot read as a whole parse would, it leaves to the whole parse: a call
    /// followed by `;` stays in its run; tokens that do not parse give `None`.
    #[test]
    fn doubtful_tokens_are_left_to_a_whole_parse() {
        let tokens = quote!(fn f() {} m! { a }; fn g() {});
        let whole = syn::parse2::<syn::File>(tokens.clone()).ok();
        let cut = items(&tokens);
        assert_eq!(
            cut.as_ref().map(prettyplease::unparse),
            whole.as_ref().map(prettyplease::unparse)
        );
        assert!(items(&quote!(fn f() {} m! { a } fn (x))).is_none());
    }
}
