//! The method names the model keeps away from operations, security schemes and parameters
//! (`CLIENT_METHODS`, `BUILDER_METHODS`, `REQUEST_METHODS` in `src/model/operation.rs`) cover
//! every name the runtime defines there, read from the runtime crate's source with `syn`: a
//! method added to the runtime that an operation, a scheme or a parameter could also take
//! fails here instead of in a generated client that does not compile.
//!
//! Read: the inherent methods of `Client` and `ClientBuilder` (any visibility: two inherent
//! methods of one name do not compile), `clone` where the type derives `Clone` (an inherent
//! `clone` would shadow the one users call), and for a request builder the methods and fields
//! the `operation!` macro writes (a parameter is both a field and a setter).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use proc_macro2::{TokenStream, TokenTree};
use quote::ToTokens;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn parse(path: &Path) -> syn::File {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    syn::parse_file(&text).unwrap_or_else(|e| panic!("{} does not parse: {e}", path.display()))
}

/// Every file of the runtime crate, parsed.
fn runtime_files() -> Vec<(String, syn::File)> {
    let dir = root().join("runtime/src");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "rs"))
        .collect();
    paths.sort();
    assert!(
        paths.len() > 5,
        "runtime files not found in {}",
        dir.display()
    );
    paths
        .iter()
        .map(|path| (path.display().to_string(), parse(path)))
        .collect()
}

/// The strings of the `const NAME: &[&str] = &[..]` in `src/model/operation.rs`.
fn reserved(name: &str) -> BTreeSet<String> {
    let file = parse(&root().join("generator/src/model/operation.rs"));
    for item in &file.items {
        if let syn::Item::Const(item) = item {
            if item.ident == name {
                return strings(item.expr.to_token_stream());
            }
        }
    }
    panic!("no const {name} in src/model/operation.rs")
}

/// The string literals anywhere in `tokens`.
fn strings(tokens: TokenStream) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for tree in tokens {
        match tree {
            TokenTree::Group(group) => out.extend(strings(group.stream())),
            TokenTree::Literal(literal) => {
                if let Ok(syn::Lit::Str(text)) = syn::parse_str::<syn::Lit>(&literal.to_string()) {
                    out.insert(text.value());
                }
            }
            _ => {}
        }
    }
    out
}

/// Whether `attrs` hold `#[derive(.., Clone, ..)]`.
fn derives_clone(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|attr| {
        attr.path().is_ident("derive")
            && attr
                .meta
                .to_token_stream()
                .into_iter()
                .any(|tree| matches!(tree, TokenTree::Group(group) if group.stream().into_iter().any(|t| matches!(t, TokenTree::Ident(ident) if ident == "Clone"))))
    })
}

/// The names a type's users and the runtime call on it: its inherent methods, and `clone` when
/// it derives `Clone`.
fn names_of(type_name: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let mut found = false;
    for (_, file) in runtime_files() {
        for item in &file.items {
            match item {
                syn::Item::Struct(item) if item.ident == type_name => {
                    found = true;
                    if derives_clone(&item.attrs) {
                        names.insert("clone".to_owned());
                    }
                }
                syn::Item::Impl(item) if item.trait_.is_none() => {
                    let syn::Type::Path(path) = item.self_ty.as_ref() else {
                        continue;
                    };
                    if path
                        .path
                        .segments
                        .last()
                        .is_none_or(|s| s.ident != type_name)
                    {
                        continue;
                    }
                    for inner in &item.items {
                        if let syn::ImplItem::Fn(method) = inner {
                            names.insert(method.sig.ident.to_string());
                        }
                    }
                }
                _ => {}
            }
        }
    }
    assert!(found, "no struct {type_name} in the runtime");
    names
}

/// The body of `macro_rules! operation`.
fn operation_macro() -> TokenStream {
    for (_, file) in runtime_files() {
        for item in &file.items {
            if let syn::Item::Macro(item) = item {
                if item
                    .ident
                    .as_ref()
                    .is_some_and(|ident| ident == "operation")
                {
                    return item.mac.tokens.clone();
                }
            }
        }
    }
    panic!("no macro_rules! operation in the runtime")
}

/// Every `fn NAME` in `tokens` (not `fn $name`, a name the macro is given).
fn functions(tokens: TokenStream, out: &mut BTreeSet<String>) {
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    for (i, tree) in trees.iter().enumerate() {
        match tree {
            TokenTree::Group(group) => functions(group.stream(), out),
            TokenTree::Ident(ident) if ident == "fn" => {
                if let Some(TokenTree::Ident(name)) = trees.get(i + 1) {
                    out.insert(name.to_string());
                }
            }
            _ => {}
        }
    }
}

/// The fields of the request builder the macro writes (`pub struct $name<'a> { .. }`) that are
/// not given to it (`call`, not `$arg` or `$setter`).
fn builder_fields(tokens: TokenStream, out: &mut BTreeSet<String>) {
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    for (i, tree) in trees.iter().enumerate() {
        match tree {
            TokenTree::Ident(ident) if ident == "struct" => {
                let body = trees[i + 1..].iter().find_map(|tree| match tree {
                    TokenTree::Group(group)
                        if group.delimiter() == proc_macro2::Delimiter::Brace =>
                    {
                        Some(group.stream())
                    }
                    _ => None,
                });
                let fields: Vec<TokenTree> = body.into_iter().flatten().collect();
                for (j, field) in fields.iter().enumerate() {
                    let after_dollar = j > 0
                        && matches!(&fields[j - 1], TokenTree::Punct(p) if p.as_char() == '$');
                    let before_colon = matches!(fields.get(j + 1), Some(TokenTree::Punct(p)) if p.as_char() == ':' && p.spacing() == proc_macro2::Spacing::Alone);
                    if let TokenTree::Ident(name) = field {
                        if before_colon && !after_dollar {
                            out.insert(name.to_string());
                        }
                    }
                }
            }
            TokenTree::Group(group) => builder_fields(group.stream(), out),
            _ => {}
        }
    }
}

fn assert_covered(what: &str, list: &str, names: &BTreeSet<String>) {
    let reserved = reserved(list);
    let missing: Vec<&String> = names.difference(&reserved).collect();
    assert!(
        missing.is_empty(),
        "{what} defines {missing:?}, which {list} (src/model/operation.rs) does not reserve"
    );
}

#[test]
fn client_methods_are_reserved() {
    let names = names_of("Client");
    for name in ["new", "builder", "base_url", "call", "execute_as", "clone"] {
        assert!(
            names.contains(name),
            "{name} not read from the runtime: {names:?}"
        );
    }
    assert_covered("the runtime's Client", "CLIENT_METHODS", &names);
}

#[test]
fn client_builder_methods_are_reserved() {
    let names = names_of("ClientBuilder");
    for name in ["build", "timeout", "credential", "base_path"] {
        assert!(
            names.contains(name),
            "{name} not read from the runtime: {names:?}"
        );
    }
    assert_covered("the runtime's ClientBuilder", "BUILDER_METHODS", &names);
}

#[test]
fn request_builder_methods_and_fields_are_reserved() {
    // Every builder is the runtime's `Builder<'a, O>`: its inherent methods (and `clone`, which
    // it derives) are every builder's, beside what the macro writes for each operation.
    let mut names = names_of("Builder");
    let body = operation_macro();
    functions(body.clone(), &mut names);
    builder_fields(body, &mut names);
    // `IntoFuture`, `Debug`, and the builder's field `call` (reserved since builders held it).
    for name in ["into_future", "fmt", "call"] {
        names.insert(name.to_owned());
    }
    for name in [
        "send",
        "timeout",
        "retry_policy",
        "request",
        "decode",
        "into_parts",
        "clone",
    ] {
        assert!(
            names.contains(name),
            "{name} not read from operation!: {names:?}"
        );
    }
    assert_covered("a request builder (operation!)", "REQUEST_METHODS", &names);
}
