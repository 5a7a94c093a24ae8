//! The runtime of the clients stitch generates: the client and its builder, calls and
//! retries, the headers a user adds and idempotency keys, errors and raw responses,
//! credentials, encoding, multipart bodies, best-fit decoding of unions, streamed bodies
//! (`stream.rs`, `sse.rs`), pagination streams (`paginate`), and the macros the generated
//! code calls (`operation!`, the enum macros).
//!
//! This crate is never a dependency of a generated client: the generator embeds these files
//! (`include_str!` in `generator/src/emit/runtime.rs`) and writes the ones an API uses into
//! the client's `src/runtime/` folder, under a `runtime` module that it writes in place of this
//! file. So, in every file here:
//!
//! - a sibling is named through this module, `super::Name` (each file is glob re-exported
//!   below, as the generated `runtime` module does);
//! - `super::SERVER_PATH` is the path of the API's server (in a generated client, its
//!   `client::SERVER_PATH`);
//! - the macros name the generated modules from where they are called (`super::runtime::..`,
//!   `super::Client`), so they are tested from a module laid out like a generated client's;
//! - tests are one `#[cfg(test)] mod tests` at the end of the file, which the generator
//!   leaves out;
//! - the edition is the generated crates' (2021), and the dependencies are theirs.

// What generated code calls is unused here (and some of it by a given API: those items say so
// where they are).
#![allow(dead_code, unused_imports, unused_macros)]

/// The path of the API's server, put before every operation's path (a generated client's
/// comes from the API; here, none).
const SERVER_PATH: &str = "";

mod best_fit;
mod call;
mod client;
mod closed_enum;
mod credentials;
mod encoding;
mod enums;
mod error;
mod form;
mod headers;
mod middleware;
mod multipart;
mod oauth2;
mod object;
mod open_enum;
mod operation;
mod paginate;
mod redirect;
mod response;
mod retry;
mod sse;
mod stream;
mod tls;
mod trace;
mod xml;

#[cfg(test)]
mod test_server;

pub(crate) use self::best_fit::*;
pub use self::call::*;
pub use self::client::*;
pub(crate) use self::closed_enum::*;
pub(crate) use self::credentials::*;
pub(crate) use self::encoding::*;
pub(crate) use self::enums::*;
pub use self::error::*;
pub use self::form::*;
pub(crate) use self::headers::*;
pub use self::middleware::*;
pub(crate) use self::multipart::*;
pub use self::oauth2::*;
pub(crate) use self::object::*;
pub(crate) use self::open_enum::*;
pub use self::operation::*;
pub use self::paginate::*;
pub(crate) use self::redirect::*;
pub use self::response::*;
pub use self::retry::*;
pub use self::sse::*;
pub use self::stream::*;
pub(crate) use self::tls::*;
pub(crate) use self::trace::*;
pub(crate) use self::xml::*;
