//! The fixed set of hand-made edits of the Syntho pages (`specs/syntho/jobs.md`): each one
//! change a maintainer of the pages could make, with the verdict `stitch diff` gives it. The
//! unit test below asserts those verdicts (it runs in `cargo test`); `cargo xtask semver-eval`
//! puts every edit through cargo-semver-checks as well.

use std::path::Path;

use stitch::diff::Verdict;
use stitch::source::Input;

/// How an edit changes the page.
#[derive(Debug, Clone, Copy)]
pub enum Edit {
    /// Every occurrence of the text replaced (a component is written once per fragment, so an
    /// edit of one must change every copy).
    Replace(&'static str, &'static str),
    /// The section under the heading cut, up to the next heading.
    Cut(&'static str),
    /// A section appended to the page.
    Append(&'static str),
}

/// One hand-made edit.
#[derive(Debug, Clone, Copy)]
pub struct Case {
    /// A short kebab-case name.
    pub name: &'static str,
    /// The edit.
    pub edit: Edit,
    /// The overall verdict of `stitch diff` (pristine pages → edited).
    pub verdict: Verdict,
    /// Whether stitch calls the change breaking for Rust callers (its rust layer).
    pub rust_breaking: bool,
}

/// The new operation of [`Case`] `operation-added`.
const NEW_SECTION: &str = "\n## GET /api/v1/jobs/{job\\_id}/attachments/\n\n> Job attachments\n\n```json\n{\"openapi\":\"3.0.3\",\"info\":{\"title\":\"Syntho Backend API\",\"version\":\"1.0.0 (v1)\"},\"servers\":[{\"url\":\"/\"}],\"paths\":{\"/api/v1/jobs/{job_id}/attachments/\":{\"get\":{\"operationId\":\"jobs_attachments_list\",\"description\":\"Job attachments\",\"parameters\":[{\"in\":\"path\",\"name\":\"job_id\",\"schema\":{\"type\":\"string\"},\"required\":true}],\"tags\":[\"Jobs\"],\"responses\":{\"200\":{\"content\":{\"application/json\":{\"schema\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}}}},\"description\":\"Success\"}}}}}}\n```\n";

/// The edits, in the order of the report.
pub const CASES: &[Case] = &[
    Case {
        name: "operation-removed",
        edit: Edit::Cut("## DELETE /api/v1/jobs/{job\\_id}/delete/"),
        verdict: Verdict::Breaking,
        rust_breaking: true,
    },
    Case {
        name: "operation-added",
        edit: Edit::Append(NEW_SECTION),
        verdict: Verdict::Additive,
        rust_breaking: false,
    },
    Case {
        name: "operation-renamed",
        edit: Edit::Replace(
            "\"operationId\":\"jobs_cancel_update\"",
            "\"operationId\":\"jobs_cancel\"",
        ),
        verdict: Verdict::Breaking,
        rust_breaking: true,
    },
    Case {
        name: "optional-query-parameter-added",
        edit: Edit::Replace(
            "\"update_engine\",\"update_engine_settings\"]}}],",
            "\"update_engine\",\"update_engine_settings\"]}},{\"in\":\"query\",\"name\":\"limit\",\"schema\":{\"type\":\"integer\"}}],",
        ),
        verdict: Verdict::Additive,
        rust_breaking: false,
    },
    Case {
        name: "required-query-parameter-added",
        edit: Edit::Replace(
            "\"description\":\"Get Job\",\"parameters\":[{\"in\":\"path\",\"name\":\"job_id\",\"schema\":{\"type\":\"string\"},\"required\":true}]",
            "\"description\":\"Get Job\",\"parameters\":[{\"in\":\"path\",\"name\":\"job_id\",\"schema\":{\"type\":\"string\"},\"required\":true},{\"in\":\"query\",\"name\":\"fields\",\"schema\":{\"type\":\"string\"},\"required\":true}]",
        ),
        verdict: Verdict::Breaking,
        rust_breaking: true,
    },
    Case {
        name: "description-changed",
        edit: Edit::Replace(
            "\"description\":\"Latest job\"",
            "\"description\":\"The latest job\"",
        ),
        verdict: Verdict::Patch,
        rust_breaking: false,
    },
    Case {
        name: "response-property-added",
        edit: Edit::Replace(
            "\"title\":\"Attachment Types\"}},",
            "\"title\":\"Attachment Types\"},\"priority\":{\"type\":\"integer\",\"title\":\"Priority\"}},",
        ),
        verdict: Verdict::Additive,
        rust_breaking: false,
    },
    Case {
        name: "response-property-removed",
        edit: Edit::Replace(
            "\"now\":{\"anyOf\":[{\"format\":\"date-time\",\"type\":\"string\"},{\"type\":\"null\"}],\"default\":null,\"title\":\"Now\"},",
            "",
        ),
        verdict: Verdict::Breaking,
        rust_breaking: true,
    },
    Case {
        name: "required-property-made-optional",
        edit: Edit::Replace(
            "\"required\":[\"id\",\"type\",\"status\"]",
            "\"required\":[\"id\",\"type\"]",
        ),
        verdict: Verdict::Breaking,
        rust_breaking: true,
    },
    Case {
        name: "property-type-changed",
        edit: Edit::Replace(
            "\"log\":{\"anyOf\":[{\"type\":\"string\"},{\"type\":\"null\"}]",
            "\"log\":{\"anyOf\":[{\"type\":\"integer\"},{\"type\":\"null\"}]",
        ),
        verdict: Verdict::Breaking,
        rust_breaking: true,
    },
    Case {
        name: "response-enum-value-added",
        edit: Edit::Replace(
            "\"FAILURE\",\"REVOKED\"]",
            "\"FAILURE\",\"REVOKED\",\"PAUSED\"]",
        ),
        verdict: Verdict::Breaking,
        rust_breaking: false,
    },
    Case {
        name: "error-status-added",
        edit: Edit::Replace(
            "\"description\":\"Get Job\",\"parameters\":[{\"in\":\"path\",\"name\":\"job_id\",\"schema\":{\"type\":\"string\"},\"required\":true}],\"tags\":[\"Jobs\"],\"responses\":{",
            "\"description\":\"Get Job\",\"parameters\":[{\"in\":\"path\",\"name\":\"job_id\",\"schema\":{\"type\":\"string\"},\"required\":true}],\"tags\":[\"Jobs\"],\"responses\":{\"404\":{\"content\":{\"application/json\":{\"schema\":{\"type\":\"object\",\"properties\":{\"detail\":{\"type\":\"string\"}}}}},\"description\":\"Not found\"},",
        ),
        verdict: Verdict::Additive,
        rust_breaking: false,
    },
];

/// `text` with `edit` applied; `Err` when the edit does not apply (the page moved on).
pub fn apply(text: &str, edit: Edit) -> Result<String, String> {
    match edit {
        Edit::Replace(find, replace) => {
            if !text.contains(find) {
                return Err(format!("the page no longer holds {find:?}"));
            }
            Ok(text.replace(find, replace))
        }
        Edit::Cut(heading) => {
            let start = text
                .find(heading)
                .ok_or_else(|| format!("the page has no section {heading:?}"))?;
            let end = text[start + heading.len()..]
                .find("\n## ")
                .map_or(text.len(), |i| start + heading.len() + i + 1);
            Ok(format!("{}{}", &text[..start], &text[end..]))
        }
        Edit::Append(section) => Ok(format!("{}{section}", text.trim_end_matches('\n'))),
    }
}

/// The pages of `specs/syntho/` under `root`, read.
pub fn pages(root: &Path) -> Result<Vec<Input>, String> {
    stitch::source::read_inputs(&[root.join("specs/syntho")]).map_err(|e| e.to_string())
}

/// The pages with `case` applied to `jobs.md`.
pub fn edited(pages: &[Input], case: &Case) -> Result<Vec<Input>, String> {
    let mut out = pages.to_vec();
    let page = out
        .iter_mut()
        .find(|p| p.path.ends_with("jobs.md"))
        .ok_or("specs/syntho has no jobs.md")?;
    page.text = apply(&page.text, case.edit).map_err(|e| format!("{}: {e}", case.name))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use stitch::diff::{DiffOptions, Layer};

    use super::*;

    /// Each hand-made edit of the Syntho pages gets the verdict written beside it, overall and
    /// for the Rust layer, and the pages it makes still generate a client.
    #[test]
    fn stitch_diff_verdicts_of_the_syntho_edits() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let pages = pages(&root).expect("reading the pages");
        let mut names = std::collections::BTreeSet::new();
        for case in CASES {
            assert!(names.insert(case.name), "{} twice", case.name);
            let new = edited(&pages, case).expect("the edit applies");
            let report = stitch::diff::diff_sources(&pages, &new, &DiffOptions::default())
                .result
                .unwrap_or_else(|e| panic!("{}: {e}", case.name));
            let rust_breaking = report
                .changes
                .iter()
                .any(|c| c.layer == Layer::Rust && c.verdict == Verdict::Breaking);
            assert_eq!(
                (report.verdict, rust_breaking),
                (case.verdict, case.rust_breaking),
                "{}:\n{}",
                case.name,
                stitch::diff::human(&report)
            );
            let options = stitch::Options {
                crate_name: "syntho-client".to_owned(),
                ..Default::default()
            };
            let generated = stitch::generate(&new, &options, stitch::OnConflict::Error);
            assert!(generated.result.is_ok(), "{} does not generate", case.name);
        }
        assert!(CASES.len() >= 10);
    }
}
