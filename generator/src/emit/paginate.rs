//! The pagination methods of a paginated operation's request builder: `.pages()` (the runtime's
//! `Pages` stream of `ResponseValue`s) and `.items()` (its `Items` stream), printed from the
//! model's [`Pagination`] in an `impl` block of their own beside the `operation!` call.
//! Invariant: it prints what the model decided (style, parameter and field names, the items
//! field and its type) and decides nothing.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::{Scope, doc_attrs, ident, type_tokens};
use crate::model::{Operation, PageStyle, Pagination, Success};

/// The `impl` block of `.pages()` and `.items()` for a paginated operation; nothing otherwise.
pub(super) fn items(op: &Operation) -> Option<TokenStream> {
    let pagination = op.pagination.as_ref()?;
    let Success::Type(value) = &op.success else {
        return None;
    };
    let builder = ident(&op.type_name);
    let error = ident(&op.error_name());
    let value = type_tokens(value, Scope::Sibling);
    let item = type_tokens(&pagination.items.item, Scope::Sibling);
    let paging = paging(&pagination.style);
    let path = strs(&pagination.items.path());
    let take = match (&pagination.items.field, pagination.items.optional) {
        (None, false) => quote!(runtime::whole_page),
        (None, true) => quote!(|page: #value| page.unwrap_or_default()),
        (Some((name, _)), false) => {
            let name = ident(name);
            quote!(|page: #value| page.#name)
        }
        (Some((name, _)), true) => {
            let name = ident(name);
            quote!(|page: #value| page.#name.unwrap_or_default())
        }
    };
    let pages_doc = doc_attrs(&format!(
        "Every page of the list, {}: a lazy `futures::Stream` of each page's value with its \
         status and headers. Nothing is sent until it is polled; each page is one request \
         through the client (credentials, headers, retry policy and timeout of this builder). \
         It ends after the last page, after an error, or after `max_pages(n)` pages; a next \
         page the server names twice ends it with `Error::Pagination`.",
        how(pagination)
    ));
    let items_doc = doc_attrs(&format!(
        "Every item of the list across all its pages ({}): a lazy `futures::Stream` (see \
         [`pages`](Self::pages)).",
        where_items(pagination)
    ));
    Some(quote! {
        impl<'a> #builder<'a> {
            #pages_doc
            pub fn pages(self) -> runtime::Pages<'a, #value, #error> {
                self.paginate(#paging, #path)
            }

            #items_doc
            pub fn items(self) -> runtime::Items<'a, #value, #item, #error> {
                runtime::items(self.pages(), #take)
            }
        }
    })
}

/// The runtime's `Paging` value of a style.
fn paging(style: &PageStyle) -> TokenStream {
    let opt = |value: &Option<String>| match value {
        Some(name) => {
            let name = Literal::string(name);
            quote!(Some(#name))
        }
        None => quote!(None),
    };
    let opt_path = |value: &Option<Vec<String>>| match value {
        Some(path) => {
            let path = strs(path);
            quote!(Some(#path))
        }
        None => quote!(None),
    };
    match style {
        PageStyle::LinkHeader => quote!(runtime::Paging::Link),
        PageStyle::NextUrl { next } => {
            let next = strs(next);
            quote!(runtime::Paging::NextUrl { next: #next })
        }
        PageStyle::Cursor {
            param,
            next,
            has_more,
        } => {
            let param = Literal::string(param);
            let next = strs(next);
            let has_more = opt_path(has_more);
            quote!(runtime::Paging::Cursor { param: #param, next: #next, has_more: #has_more })
        }
        PageStyle::LastItem {
            param,
            field,
            has_more,
        } => {
            let param = Literal::string(param);
            let field = Literal::string(field);
            let has_more = opt_path(has_more);
            quote!(runtime::Paging::LastItem { param: #param, field: #field, has_more: #has_more })
        }
        PageStyle::Offset { param, limit } => {
            let param = Literal::string(param);
            let limit = opt(limit);
            quote!(runtime::Paging::Offset { param: #param, limit: #limit })
        }
        PageStyle::Page { param, size, start } => {
            let param = Literal::string(param);
            let size = opt(size);
            let start = Literal::u64_unsuffixed(*start);
            quote!(runtime::Paging::Page { param: #param, size: #size, start: #start })
        }
    }
}

/// `&["a", "b"]`.
fn strs(path: &[String]) -> TokenStream {
    let keys = path.iter().map(|key| Literal::string(key));
    quote!(&[#(#keys),*])
}

fn code(text: &str) -> String {
    format!("`{}`", text.replace('`', "'"))
}

/// How the pages follow one another, in words for the docs.
fn how(pagination: &Pagination) -> String {
    let path = |keys: &[String]| code(&keys.join("."));
    match &pagination.style {
        PageStyle::LinkHeader => "following the `Link` header's `rel=\"next\"`".to_owned(),
        PageStyle::NextUrl { next } => format!("following the URL in {}", path(next)),
        PageStyle::Cursor { param, next, .. } => {
            format!("sending {} in {}", path(next), code(param))
        }
        PageStyle::LastItem { param, field, .. } => {
            format!("sending the last item's {} in {}", code(field), code(param))
        }
        PageStyle::Offset { param, .. } => format!("advancing the offset {}", code(param)),
        PageStyle::Page { param, .. } => format!("advancing the page number {}", code(param)),
    }
}

/// Where the items are, in words for the docs.
fn where_items(pagination: &Pagination) -> String {
    match &pagination.items.field {
        Some((_, wire)) => format!("each page's {}", code(wire)),
        None => "each page's array".to_owned(),
    }
}
