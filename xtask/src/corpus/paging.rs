//! `cargo xtask corpus --pagination`: the list operations of each spec and the pagination the
//! model detects in them (`stitch::model::pagination`), counted by style and by what decided
//! (convention or vendor extension), with every detection written to
//! `.cache/corpus/pagination.tsv` for checking by hand.
//!
//! The model is built again from the merged document of the round-trip stage (no second merge);
//! a spec whose model fails counts no list operations.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use serde_json::Value;
use stitch::model::{Api, PageOrigin, PageStyle, list_operations};

/// One operation the model paginates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paged {
    /// The client's method name.
    pub operation: String,
    /// `GET /path`.
    pub route: String,
    /// The style's short name (`cursor`).
    pub style: &'static str,
    /// What decided: `convention` or the extension's name.
    pub origin: String,
    /// What the client sends and reads (parameter, body paths, items field).
    pub detail: String,
}

/// The list operations of one spec and those of them (or others) that page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Survey {
    /// `GET` operations whose success body holds an array of items.
    pub lists: usize,
    /// The paginated operations.
    pub paged: Vec<Paged>,
}

/// The survey of the merged document `merged` of spec `id`.
pub fn survey(merged: &Value, id: &str) -> Survey {
    let Ok(api) = Api::from_merged(merged, &super::run::options(id)) else {
        return Survey::default();
    };
    let lists = list_operations(&api)
        .into_iter()
        .filter(|list| *list)
        .count();
    let paged = api
        .operations
        .iter()
        .filter_map(|op| {
            let pagination = op.pagination.as_ref()?;
            let origin = match &pagination.origin {
                PageOrigin::Convention => "convention".to_owned(),
                PageOrigin::Extension(name) => (*name).to_owned(),
                PageOrigin::Config(place) => format!("config {place}"),
            };
            Some(Paged {
                operation: op.name.clone(),
                route: format!("{} {}", op.method.upper(), op.path),
                style: pagination.style.name(),
                origin,
                detail: format!(
                    "{}; items {}",
                    detail(&pagination.style),
                    match pagination.items.path().first() {
                        Some(field) => field.clone(),
                        None => "(the body)".to_owned(),
                    }
                ),
            })
        })
        .collect();
    Survey { lists, paged }
}

fn detail(style: &PageStyle) -> String {
    match style {
        PageStyle::LinkHeader => "Link header".to_owned(),
        PageStyle::NextUrl { next } => format!("next {}", next.join(".")),
        PageStyle::Cursor {
            param,
            next,
            has_more,
        } => format!(
            "{param} <- {}{}",
            next.join("."),
            has_more
                .as_ref()
                .map(|path| format!(" while {}", path.join(".")))
                .unwrap_or_default()
        ),
        PageStyle::LastItem { param, field, .. } => format!("{param} <- last item's {field}"),
        PageStyle::Offset { param, limit } => {
            format!(
                "{param} += count (size {})",
                limit.as_deref().unwrap_or("-")
            )
        }
        PageStyle::Page { param, size, start } => format!(
            "{param} from {start} (size {})",
            size.as_deref().unwrap_or("-")
        ),
    }
}

/// The report's pagination section: list operations, detections by style and by origin.
pub fn render<'a>(surveys: impl Iterator<Item = (&'a str, &'a Survey)>) -> String {
    let mut lists = 0;
    let mut paged = 0;
    let mut specs = 0;
    let mut by_style: BTreeMap<&str, usize> = BTreeMap::new();
    let mut by_origin: BTreeMap<String, usize> = BTreeMap::new();
    for (_, survey) in surveys {
        lists += survey.lists;
        paged += survey.paged.len();
        specs += usize::from(!survey.paged.is_empty());
        for op in &survey.paged {
            *by_style.entry(op.style).or_default() += 1;
            let origin = if op.origin.starts_with("config ") {
                "config".to_owned()
            } else {
                op.origin.clone()
            };
            *by_origin.entry(origin).or_default() += 1;
        }
    }
    let join = |counts: Vec<(String, usize)>| {
        let mut counts = counts;
        counts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        counts
            .iter()
            .map(|(name, n)| format!("{name} {n}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut out = String::new();
    let share = if lists > 0 {
        format!(
            " ({:.1}% of the list operations)",
            paged as f64 * 100.0 / lists as f64
        )
    } else {
        String::new()
    };
    let _ = writeln!(
        out,
        "pagination: {lists} list operations; {paged} paginated{share} in {specs} specs"
    );
    let _ = writeln!(
        out,
        "  by style: {}",
        join(
            by_style
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v))
                .collect()
        )
    );
    let _ = writeln!(
        out,
        "  by origin: {}",
        join(by_origin.into_iter().collect())
    );
    out
}

/// Every detection as a tab-separated line (spec, operation, route, style, origin, detail),
/// in spec order, for checking by hand.
pub fn write_table<'a>(
    path: &Path,
    surveys: impl Iterator<Item = (&'a str, &'a Survey)>,
) -> Result<(), String> {
    let mut text = String::from("spec\toperation\troute\tstyle\torigin\tdetail\n");
    for (id, survey) in surveys {
        for op in &survey.paged {
            let _ = writeln!(
                text,
                "{id}\t{}\t{}\t{}\t{}\t{}",
                op.operation, op.route, op.style, op.origin, op.detail
            );
        }
    }
    std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_spec_is_surveyed_and_counted() {
        let spec = json!({
            "openapi": "3.0.0",
            "info": {"title": "T", "version": "1"},
            "paths": {
                "/a": {"get": {"parameters": [{"name": "page", "in": "query", "schema": {"type": "integer"}}],
                    "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"type": "array", "items": {"type": "string"}}}}}}}},
                "/b": {"get": {"responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"type": "array", "items": {"type": "string"}}}}}}}}
            }
        });
        let survey = survey(&spec, "t.com");
        assert_eq!(survey.lists, 2);
        assert_eq!(survey.paged.len(), 1);
        assert_eq!(survey.paged[0].style, "page");
        assert_eq!(
            survey.paged[0].detail,
            "page from 1 (size -); items (the body)"
        );
        let text = render([("t.com", &survey)].into_iter());
        assert!(
            text.starts_with("pagination: 2 list operations; 1 paginated (50.0% of the list operations) in 1 specs\n  by style: page 1\n  by origin: convention 1\n"),
            "{text}"
        );
    }
}
