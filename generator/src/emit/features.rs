//! The per-tag cargo features of a crate (`model::features` decides them; this prints them):
//! a `#[cfg(..)]` on each operation's items and `Client` method and on each type, the
//! `[features]` lines of `Cargo.toml`, and the list in the crate docs.
//!
//! - An operation's items are compiled under any of its features.
//! - A type is compiled under any feature that reaches it; types printed once (`dedup`) take
//!   the union of their class for every name of the class, so a printed type and each alias of
//!   it are there whenever one of them is needed (classes are congruent: what one member
//!   holds, the others hold through types of the same classes, which then have the feature
//!   too). A type every feature reaches has no `cfg`: whoever uses the crate needs it. A type
//!   no operation reaches (a component only webhooks name) is compiled under `full` only.
//! - `full` enables every feature and is the default, so nothing changes for a user who does
//!   not choose; `default-features = false, features = ["rustls", "repos", "issues"]` compiles two (the TLS stack is a default feature too).
//! - Without `full`, parts of the runtime and of the `use` lines go unused: the crate allows
//!   `dead_code`, `unused_imports` and `unused_macros` then (`cfg_attr(not(feature = "full"), ..)`), never with
//!   `full`, so the whole client is linted as before.
//!
//! Rustdoc: `doc(cfg)` is nightly-only, so the items carry no badge; docs.rs and `cargo doc`
//! build the default (`full`), which documents everything, each `Client` method says which
//! features compile it, and the crate docs list the features. The single-module form
//! (`emit_module`) has no cargo features and gets no `cfg`.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::Api;
use crate::model::features::FULL;

/// Under which features an item is compiled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Gate {
    /// Always (no features in the crate, or every feature needs it).
    Always,
    /// Under `full` only (no operation reaches it).
    Full,
    /// Under any of these features (indices into `Features::features`).
    Any(Vec<usize>),
}

/// The gates of every type and operation of a crate: plain data, shared by the threads that
/// print the pieces (tokens are not `Send`).
#[derive(Debug, Clone, Default)]
pub(super) struct Gates {
    /// The features' names (empty: no features).
    names: Vec<String>,
    /// Per type of `Api::types`.
    types: Vec<Gate>,
    /// Per operation of `Api::operations`.
    operations: Vec<Gate>,
}

impl Gates {
    /// The gates of `api` printed with `aliases` (see `dedup::aliases`); none when `gated` is
    /// false (the single-module form) or the API has no features.
    pub(super) fn of(api: &Api, aliases: &[Option<usize>], gated: bool) -> Gates {
        let Some(features) = api.features.as_ref().filter(|_| gated) else {
            return Gates::default();
        };
        let all = features.features.len();
        let gate = |set: &[usize]| match set.len() {
            0 => Gate::Full,
            n if n == all => Gate::Always,
            _ => Gate::Any(set.to_vec()),
        };
        // The union of each dedup class, by its printed type.
        let mut class: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for (i, set) in features.types.iter().enumerate() {
            let printed = aliases.get(i).copied().flatten().unwrap_or(i);
            class
                .entry(printed)
                .or_default()
                .extend(set.iter().copied());
        }
        for set in class.values_mut() {
            set.sort_unstable();
            set.dedup();
        }
        let types = (0..api.types.len())
            .map(|i| {
                let printed = aliases.get(i).copied().flatten().unwrap_or(i);
                gate(class.get(&printed).map_or(&[][..], Vec::as_slice))
            })
            .collect();
        Gates {
            names: features.features.iter().map(|f| f.name.clone()).collect(),
            types,
            operations: features.operations.iter().map(|set| gate(set)).collect(),
        }
    }

    /// The `#[cfg(..)]` of a gate (nothing for `Always`).
    fn attr(&self, gate: Option<&Gate>) -> Option<TokenStream> {
        match gate? {
            Gate::Always => None,
            Gate::Full => Some(quote!(#[cfg(feature = #FULL)])),
            Gate::Any(set) if set.len() == 1 => {
                let name = &self.names[set[0]];
                Some(quote!(#[cfg(feature = #name)]))
            }
            Gate::Any(set) => {
                let names = set.iter().map(|&f| self.names[f].as_str());
                Some(quote!(#[cfg(any(#(feature = #names),*))]))
            }
        }
    }

    /// The items of type `index`, each under the type's `cfg`.
    pub(super) fn type_items(&self, index: usize, items: TokenStream) -> TokenStream {
        match self.attr(self.types.get(index)) {
            Some(attr) => gate_items(&attr, items),
            None => items,
        }
    }

    /// The items of operation `index` (its `operation!` call, response enum, pagination),
    /// each under the operation's `cfg`.
    pub(super) fn operation_items(&self, index: usize, items: TokenStream) -> TokenStream {
        match self.attr(self.operations.get(index)) {
            Some(attr) => gate_items(&attr, items),
            None => items,
        }
    }

    /// The `Client` method of operation `index`, under its `cfg`, its docs ending with the
    /// features that compile it.
    pub(super) fn method(&self, index: usize, method: TokenStream) -> TokenStream {
        let gate = self.operations.get(index);
        let Some(attr) = self.attr(gate) else {
            return method;
        };
        let names: Vec<String> = match gate {
            Some(Gate::Any(set)) => set
                .iter()
                .map(|&f| format!("`{}`", self.names[f]))
                .collect(),
            _ => vec![format!("`{FULL}`")],
        };
        let line = match names.len() {
            1 => format!(
                " Compiled with the cargo feature {} (on by default, in `full`).",
                names[0]
            ),
            _ => format!(
                " Compiled with any of the cargo features {} (on by default, in `full`).",
                names.join(", ")
            ),
        };
        add_to_method(method, &line, &attr)
    }
}

/// `method` (one `fn` of an `impl` block) with a paragraph `line` at the end of its docs and
/// `attr` before it. Tokens that do not parse as a method are returned as they are, with
/// `attr` in front (emit reports invalid Rust when the piece is parsed).
fn add_to_method(method: TokenStream, line: &str, attr: &TokenStream) -> TokenStream {
    match syn::parse2::<syn::ImplItemFn>(method.clone()) {
        Ok(mut item) => {
            // Before the usage example, else at the end of the docs.
            let heading = item
                .attrs
                .iter()
                .position(|a| doc_text(a).as_deref() == Some(" # Example"));
            match heading {
                Some(at) => {
                    let docs: Vec<syn::Attribute> = syn::parse_quote!(#[doc = #line] #[doc = ""]);
                    item.attrs.splice(at..at, docs);
                }
                None => {
                    let at = leading_docs(&item.attrs);
                    let docs: Vec<syn::Attribute> = syn::parse_quote!(#[doc = ""] #[doc = #line]);
                    item.attrs.splice(at..at, docs);
                }
            }
            let at = leading_docs(&item.attrs);
            let cfg: Vec<syn::Attribute> = syn::parse_quote!(#attr);
            item.attrs.splice(at..at, cfg);
            quote!(#item)
        }
        Err(_) => quote!(#attr #method),
    }
}

/// The number of doc attributes that lead `attrs` (a `cfg` goes after them, as one writes
/// it by hand).
fn leading_docs(attrs: &[syn::Attribute]) -> usize {
    attrs
        .iter()
        .take_while(|a| a.path().is_ident("doc"))
        .count()
}

/// The text of a `#[doc = "..."]` attribute.
fn doc_text(attr: &syn::Attribute) -> Option<String> {
    match &attr.meta {
        syn::Meta::NameValue(syn::MetaNameValue {
            path,
            value:
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(text),
                    ..
                }),
            ..
        }) if path.is_ident("doc") => Some(text.value()),
        _ => None,
    }
}

/// Every item of `items` under `attr`.
fn gate_items(attr: &TokenStream, items: TokenStream) -> TokenStream {
    match syn::parse2::<syn::File>(items.clone()) {
        Ok(mut file) => {
            for item in &mut file.items {
                if let Some(attrs) = item_attrs(item) {
                    let at = leading_docs(attrs);
                    let cfg: Vec<syn::Attribute> = syn::parse_quote!(#attr);
                    attrs.splice(at..at, cfg);
                }
            }
            let items = &file.items;
            quote!(#(#items)*)
        }
        Err(_) => items,
    }
}

/// The attributes of an item of the kinds emit writes.
fn item_attrs(item: &mut syn::Item) -> Option<&mut Vec<syn::Attribute>> {
    Some(match item {
        syn::Item::Const(i) => &mut i.attrs,
        syn::Item::Enum(i) => &mut i.attrs,
        syn::Item::Fn(i) => &mut i.attrs,
        syn::Item::Impl(i) => &mut i.attrs,
        syn::Item::Macro(i) => &mut i.attrs,
        syn::Item::Static(i) => &mut i.attrs,
        syn::Item::Struct(i) => &mut i.attrs,
        syn::Item::Type(i) => &mut i.attrs,
        syn::Item::Use(i) => &mut i.attrs,
        syn::Item::Mod(i) => &mut i.attrs,
        syn::Item::Trait(i) => &mut i.attrs,
        _ => return None,
    })
}

/// The crate's inner attribute that allows what a subset of features leaves unused.
pub(super) fn crate_attrs(api: &Api) -> Option<TokenStream> {
    api.features.as_ref()?;
    Some(
        quote!(#![cfg_attr(not(feature = #FULL), allow(dead_code, unused_imports, unused_macros))]),
    )
}

/// What the crate's `default` feature list adds for the tags: `, "full"`, or nothing for a
/// crate without features (`manifest` writes the one `default` line).
pub(super) fn default_member(api: &Api) -> String {
    match api.features {
        Some(_) => format!(", \"{FULL}\""),
        None => String::new(),
    }
}

/// The `[features]` lines of the tags (after the crate's other features): `full` and one line
/// per tag. Nothing for a crate without features.
pub(super) fn manifest_lines(api: &Api) -> String {
    let Some(features) = &api.features else {
        return String::new();
    };
    let names: Vec<String> = features
        .features
        .iter()
        .map(|f| format!("\"{}\"", f.name))
        .collect();
    let mut toml = format!("{FULL} = [{}]\n", names.join(", "));
    for feature in &features.features {
        toml.push_str(&format!("{} = []\n", feature.name));
    }
    toml
}

/// The crate docs' section on the features; `None` for a crate without features.
pub(super) fn crate_doc(api: &Api) -> Option<String> {
    let features = api.features.as_ref()?;
    let mut doc = String::from(
        "\n\n# Cargo features\n\n\
         Each tag of the API is a cargo feature that compiles its operations and the types they \
         need. All are on by default (the feature `full`); a program that calls a few areas \
         compiles only those:\n\n\
         ```toml\n\
         [dependencies]\n",
    );
    let two: Vec<String> = features
        .features
        .iter()
        .take(2)
        .map(|f| format!("\"{}\"", f.name))
        .collect();
    doc.push_str(&format!(
        "{} = {{ path = \"../{}\", default-features = false, features = [\"rustls\", {}] }}\n```\n\n\
         `default-features = false` turns the default TLS stack off too: name one (`rustls`, \
         `rustls-ring`, `rustls-no-provider` or `native-tls`). With no tag's feature the client \
         has no operations. The features, with the tag each stands \
         for and its number of operations:\n\n",
        api.crate_name,
        api.crate_name,
        two.join(", ")
    ));
    for feature in &features.features {
        let tag = match &feature.tag {
            Some(tag) => format!("tag `{}`", tag.replace('`', "'")),
            None => "operations without a tag".to_owned(),
        };
        doc.push_str(&format!(
            "- `{}`: {tag}, {} operation{}\n",
            feature.name,
            feature.operations,
            if feature.operations == 1 { "" } else { "s" }
        ));
    }
    Some(doc)
}
