//! The memory benchmark of streamed bodies (issue 15), run by `cargo xtask stream-bench`:
//! one transfer of SIZE bytes through the client generated from `tests/fixtures/streams.yaml`,
//! against an axum server on loopback in the same process, then one line on stdout:
//! `MODE SIZE SECONDS PEAK_RSS_BYTES` (the process's peak resident memory, `VmHWM`).
//!
//! ```text
//! stream_memory download-stream|download-bytes|upload-stream|upload-bytes SIZE
//! ```
//!
//! The server sends a download as it makes it (64 KiB chunks of a pattern) and reads an upload
//! as it arrives (counting it), so whatever memory grows with SIZE is the client's:
//! `download-stream` copies the `ByteStream` into `tokio::io::sink()`, `download-bytes` reads it
//! whole with `bytes()`; `upload-stream` sends an `Upload::stream` of chunks made as they are
//! read, `upload-bytes` the same bytes from one `Vec<u8>` in memory.

use std::convert::Infallible;
use std::process::ExitCode;
use std::time::Instant;

use axum::body::Body;
use axum::extract::{Path, Request};
use axum::routing::get;
use futures_util::StreamExt;

#[allow(dead_code, unused_imports)]
mod streams {
    include!(concat!(env!("OUT_DIR"), "/streams.rs"));
}

const CHUNK: u64 = 64 * 1024;

/// The 64 KiB every chunk is cut from (a pattern, so nothing compresses or repeats short).
fn pattern() -> bytes::Bytes {
    bytes::Bytes::from((0..CHUNK).map(|n| (n % 251) as u8).collect::<Vec<u8>>())
}

/// A stream of SIZE bytes in 64 KiB chunks (shared slices of one buffer: making a chunk
/// costs no copy and no memory).
fn chunks(size: u64) -> impl futures_util::Stream<Item = Result<bytes::Bytes, Infallible>> {
    let pattern = pattern();
    futures_util::stream::iter(0..size.div_ceil(CHUNK)).map(move |i| {
        let count = CHUNK.min(size - i * CHUNK);
        Ok(pattern.slice(..count as usize))
    })
}

/// The process's peak resident memory in bytes (`VmHWM` of `/proc/self/status`).
fn peak_rss() -> Result<u64, String> {
    let status = std::fs::read_to_string("/proc/self/status")
        .map_err(|e| format!("cannot read /proc/self/status (Linux only): {e}"))?;
    let line = status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .ok_or("no VmHWM line in /proc/self/status")?;
    let kib: u64 = line
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .map_err(|e| format!("unreadable VmHWM {line:?}: {e}"))?;
    Ok(kib * 1024)
}

async fn run(mode: &str, size: u64) -> Result<(), String> {
    let router = axum::Router::new().route(
        "/files/{id}",
        get(|Path(id): Path<u64>| async move {
            (
                [("content-type", "application/octet-stream")],
                Body::from_stream(chunks(id)),
            )
        })
        .put(|request: Request| async move {
            let mut body = request.into_body().into_data_stream();
            let mut size = 0u64;
            while let Some(chunk) = body.next().await {
                size += chunk.map_err(|e| e.to_string()).unwrap_or_default().len() as u64;
            }
            (
                axum::http::StatusCode::CREATED,
                [("content-type", "application/json")],
                format!("{{\"size\": {size}}}"),
            )
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| format!("cannot listen on loopback: {e}"))?;
    let address = listener.local_addr().map_err(|e| e.to_string())?;
    tokio::spawn(async move { axum::serve(listener, router).await });
    let client = streams::Client::builder(format!("http://{address}"))
        .build()
        .map_err(|e| e.to_string())?;

    let start = Instant::now();
    let moved = match mode {
        "download-stream" => {
            let body = client
                .download_file(size.to_string())
                .await
                .map_err(|e| e.to_string())?;
            body.write_to(&mut tokio::io::sink())
                .await
                .map_err(|e| e.to_string())?
        }
        "download-bytes" => {
            let body = client
                .download_file(size.to_string())
                .await
                .map_err(|e| e.to_string())?;
            body.bytes().await.map_err(|e| e.to_string())?.len() as u64
        }
        "upload-stream" => {
            let upload = streams::Upload::stream(chunks(size));
            let stored = client
                .upload_file("f", upload)
                .await
                .map_err(|e| e.to_string())?;
            stored.size as u64
        }
        "upload-bytes" => {
            let pattern = pattern();
            let mut whole = Vec::with_capacity(size as usize);
            while (whole.len() as u64) < size {
                let count = CHUNK.min(size - whole.len() as u64);
                whole.extend_from_slice(&pattern[..count as usize]);
            }
            let stored = client
                .upload_file("f", whole)
                .await
                .map_err(|e| e.to_string())?;
            stored.size as u64
        }
        other => return Err(format!("unknown mode {other:?}")),
    };
    let seconds = start.elapsed().as_secs_f64();
    if moved != size {
        return Err(format!("{mode}: moved {moved} bytes of {size}"));
    }
    println!("{mode} {size} {seconds:.3} {}", peak_rss()?);
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (mode, size) = match args.as_slice() {
        [mode, size] => match size.parse::<u64>() {
            Ok(size) => (mode.clone(), size),
            Err(e) => {
                eprintln!("error: SIZE {size:?} is not a number of bytes: {e}");
                return ExitCode::from(2);
            }
        },
        _ => {
            eprintln!(
                "usage: stream_memory download-stream|download-bytes|upload-stream|upload-bytes SIZE"
            );
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start tokio: {e}");
            return ExitCode::from(2);
        }
    };
    match runtime.block_on(run(&mode, size)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
