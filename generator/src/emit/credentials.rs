//! The `ClientBuilder` methods that set a scheme's credential from somewhere other than one
//! fixed value: `{scheme}_with` (the user's async callback, for every bearer, OAuth2 and
//! OpenID Connect scheme, and every API key in a header, the query or a cookie) and
//! `{scheme}_oauth2` (the runtime's token provider, for an OAuth2 scheme whose flows a client
//! can run: client credentials, or a refresh token).
//!
//! Invariant: the token URLs and scopes are the model's (`SchemeKind::OAuth2`), printed as
//! literals; nothing is decided here.

use proc_macro2::TokenStream;
use quote::quote;

use super::{doc_attrs, ident};
use crate::model::{OAuthFlow, SchemeKind, SecurityScheme};

/// The extra methods of `scheme` (none for HTTP basic).
pub(super) fn token_methods(scheme: &SecurityScheme) -> TokenStream {
    let key = &scheme.key;
    let with = ident(&format!("{}_with", scheme.method));
    let api_key = match &scheme.kind {
        SchemeKind::Header(name) => Some((quote!(Header), "header", name)),
        SchemeKind::Query(name) => Some((quote!(Query), "query parameter", name)),
        SchemeKind::Cookie(name) => Some((quote!(Cookie), "cookie", name)),
        _ => None,
    };
    if let Some((place, word, name)) = api_key {
        let doc = doc_attrs(&format!(
            "Sets the credential of the `{key}` security scheme (sent in the {word} \
             `{}`) to values from `key`, an async closure called before every attempt of a \
             request that uses the scheme (a key a secret store rotates; cache it in the \
             closure, if it should be reused). Its error fails the call with \
             [`Error::Credential`](super::Error::Credential), and nothing is sent.",
            name.replace('`', "'")
        ));
        return quote! {
            #doc
            pub fn #with<F, Fut, E>(self, key: F) -> Self
            where
                F: Fn() -> Fut + Send + Sync + 'static,
                Fut: std::future::Future<Output = Result<String, E>> + Send + 'static,
                E: Into<Box<dyn std::error::Error + Send + Sync>>,
            {
                self.credential(#key, runtime::Credential::key_fn(runtime::KeyPlace::#place, #name, key))
            }
        };
    }
    let callback_doc = doc_attrs(&format!(
        "Sets the credential of the `{key}` security scheme to bearer tokens from `token`, an \
         async closure called before every attempt of a request that uses the scheme (cache \
         the token in it, if it should be reused). Its error fails the call with \
         [`Error::Credential`](super::Error::Credential), and nothing is sent."
    ));
    let callback = quote! {
        #callback_doc
        pub fn #with<F, Fut, E>(self, token: F) -> Self
        where
            F: Fn() -> Fut + Send + Sync + 'static,
            Fut: std::future::Future<Output = Result<String, E>> + Send + 'static,
            E: Into<Box<dyn std::error::Error + Send + Sync>>,
        {
            self.credential(#key, runtime::Credential::token_fn(token))
        }
    };
    match &scheme.kind {
        SchemeKind::Bearer => callback,
        SchemeKind::OAuth2(flows) => {
            let method = ident(&format!("{}_oauth2", scheme.method));
            let flow = |flow: &Option<OAuthFlow>| match flow {
                Some(OAuthFlow { token_url, scopes }) => {
                    quote!(Some((#token_url, &[#(#scopes),*])))
                }
                None => quote!(None),
            };
            let client_credentials = flow(&flows.client_credentials);
            let refresh = flow(&flows.refresh);
            let mut doc = format!(
                "Lets the client get OAuth2 access tokens for the `{key}` security scheme \
                 itself, and refresh them ahead of expiry and after a `401` (see \
                 [`OAuth2`](super::OAuth2)); clones of the client share the tokens."
            );
            for (name, flow, how) in [
                (
                    "client credentials",
                    &flows.client_credentials,
                    "`OAuth2::client_credentials`",
                ),
                ("refresh token", &flows.refresh, "`OAuth2::refresh_token`"),
            ] {
                if let Some(flow) = flow {
                    doc.push_str(&format!(
                        "\n\nThe {name} grant ({how}) asks `{}` for {} unless told otherwise.",
                        flow.token_url.replace('`', "'"),
                        if flow.scopes.is_empty() {
                            "a token without scopes".to_owned()
                        } else {
                            format!("the scopes `{}`", flow.scopes.join(" ").replace('`', "'"))
                        }
                    ));
                }
            }
            let doc = doc_attrs(&doc);
            quote! {
                #callback
                #doc
                pub fn #method(self, oauth: runtime::OAuth2) -> Self {
                    self.credential(#key, oauth.credential(#key, #client_credentials, #refresh))
                }
            }
        }
        _ => TokenStream::new(),
    }
}
