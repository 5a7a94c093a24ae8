//! Follows the latest `synthesize` job of an engine to its end and prints its log.
//!
//! ```text
//! SYNTHO_BASE_URL=https://syntho.example.com SYNTHO_TOKEN=eyJ... \
//!     cargo run -p syntho-client --example run_job -- <ENGINE_ID>
//! ```
//!
//! Arguments win over the environment: `run_job [ENGINE_ID [BASE_URL]]`, else
//! `SYNTHO_ENGINE_ID` and `SYNTHO_BASE_URL`. The credential is `SYNTHO_TOKEN` (sent as
//! `Authorization: Bearer <token>`) or `SYNTHO_SESSION_ID` (sent as the `sessionid` cookie).
//! The exit code is 0 when the job succeeded, 1 when it failed or was revoked, 2 on an error.

use std::io::Write;
use std::time::{Duration, Instant};

use syntho_client::types::{JobStatus, JobType};
use syntho_client::{Client, Error};

/// What to follow, where, and how patiently.
#[derive(Debug, Clone)]
pub struct Config {
    /// The API's base URL, e.g. `https://syntho.example.com`.
    pub base_url: String,
    /// How to log in.
    pub credential: Credential,
    /// The engine whose latest `synthesize` job is followed.
    pub engine_id: String,
    /// The first wait between two polls; it doubles up to `max_poll_interval`.
    pub poll_interval: Duration,
    /// The longest wait between two polls.
    pub max_poll_interval: Duration,
    /// Give up when the job has not ended after this long.
    pub deadline: Duration,
}

/// A credential for one of the API's two security schemes.
#[derive(Clone)]
pub enum Credential {
    /// An OIDC access token, sent as `Authorization: Bearer <token>`.
    Token(String),
    /// A session id from `POST /api/v1/auth/`, sent as the `sessionid` cookie.
    Session(String),
}

impl std::fmt::Debug for Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the secret itself.
        match self {
            Credential::Token(_) => f.write_str("Token(<redacted>)"),
            Credential::Session(_) => f.write_str("Session(<redacted>)"),
        }
    }
}

impl Config {
    /// Reads the configuration from the arguments (without the program name) and `env`.
    pub fn from_args(
        args: &[String],
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Config, String> {
        let engine_id = args
            .first()
            .cloned()
            .or_else(|| env("SYNTHO_ENGINE_ID"))
            .ok_or("no engine id: pass it as the first argument or set SYNTHO_ENGINE_ID")?;
        let base_url = args
            .get(1)
            .cloned()
            .or_else(|| env("SYNTHO_BASE_URL"))
            .ok_or("no base URL: pass it as the second argument or set SYNTHO_BASE_URL")?;
        let credential = match (env("SYNTHO_TOKEN"), env("SYNTHO_SESSION_ID")) {
            (Some(token), _) => Credential::Token(token),
            (None, Some(session)) => Credential::Session(session),
            (None, None) => {
                return Err("no credential: set SYNTHO_TOKEN or SYNTHO_SESSION_ID".into());
            }
        };
        Ok(Config {
            base_url,
            credential,
            engine_id,
            poll_interval: Duration::from_secs(1),
            max_poll_interval: Duration::from_secs(15),
            deadline: Duration::from_secs(6 * 60 * 60),
        })
    }
}

/// Finds the engine's latest `synthesize` job, polls it until it ends, writes its log to
/// `out`, and returns the status it ended with.
pub async fn run(
    config: &Config,
    out: &mut dyn Write,
) -> Result<JobStatus, Box<dyn std::error::Error>> {
    let builder = Client::builder(config.base_url.as_str());
    let builder = match &config.credential {
        Credential::Token(token) => builder.oidc(format!("Bearer {token}")),
        Credential::Session(session) => builder.authentication(session.as_str()),
    };
    let client = builder.build()?;

    let job = client
        .jobs_latest_retrieve(config.engine_id.as_str(), JobType::Synthesize)
        .await?;
    let id = job.id.to_string();
    writeln!(out, "job {id} ({}): {}", job.r#type, job.status)?;

    let started = Instant::now();
    let mut wait = config.poll_interval;
    let mut status = job.status;
    while !is_terminal(&status) {
        if started.elapsed() > config.deadline {
            return Err(format!("job {id} has not ended after {:?}", config.deadline).into());
        }
        tokio::time::sleep(wait).await;
        wait = (wait * 2).min(config.max_poll_interval);
        match client.jobs_retrieve(id.as_str()).await {
            Ok(job) => {
                if job.status != status {
                    writeln!(out, "job {id}: {}", job.status)?;
                }
                status = job.status;
            }
            // The client already retried; a 503 that outlasts its retries is worth another
            // poll rather than giving up on a long job.
            Err(Error::Api(response)) if response.status().as_u16() == 503 => {
                writeln!(out, "job {id}: the server is unavailable, polling again")?;
            }
            Err(error) => return Err(error.into()),
        }
    }

    let log = client.jobs_download_log_retrieve(id.as_str()).await?;
    writeln!(out, "--- log of job {id} ---")?;
    writeln!(out, "{}", log.log.as_deref().unwrap_or("(no log)"))?;
    Ok(status)
}

/// Whether a job in `status` has ended. A status this client does not know yet is taken as
/// still running (the deadline bounds the wait).
fn is_terminal(status: &JobStatus) -> bool {
    matches!(
        status,
        JobStatus::Success | JobStatus::Failure | JobStatus::Revoked
    )
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let config = match Config::from_args(&args, |name| std::env::var(name).ok()) {
        Ok(config) => config,
        Err(message) => {
            eprintln!("run_job: {message}");
            std::process::exit(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("run_job: cannot start the async runtime: {error}");
            std::process::exit(2);
        }
    };
    let mut stdout = std::io::stdout();
    match runtime.block_on(run(&config, &mut stdout)) {
        Ok(JobStatus::Success) => {}
        Ok(status) => {
            eprintln!("run_job: the job ended with {status}");
            std::process::exit(1);
        }
        Err(error) => {
            eprintln!("run_job: {error}");
            std::process::exit(2);
        }
    }
}
