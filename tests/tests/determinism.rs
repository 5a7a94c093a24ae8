//! The generated crate depends only on what the pages say, never on how they are split into
//! files, in what order the sections come, or on the run.

use stitch::GeneratedCrate;
use stitch::source::Input;
use stitch_tests::{compare_crates, read_input, syntho_jobs_page, syntho_options};

/// The seed page cut into its title (everything before the first `## `) and its `## ` sections.
fn seed_sections() -> (Input, String, Vec<String>) {
    let page = read_input(&syntho_jobs_page());
    let mut title = String::new();
    let mut sections: Vec<String> = Vec::new();
    for line in page.text.split_inclusive('\n') {
        if line.starts_with("## ") {
            sections.push(String::new());
        }
        match sections.last_mut() {
            Some(section) => section.push_str(line),
            None => title.push_str(line),
        }
    }
    assert_eq!(sections.len(), 6, "the seed page has six endpoint sections");
    // A section that ends the page may lack the blank line the others end with.
    for section in &mut sections {
        if !section.ends_with("\n\n") {
            section.push('\n');
        }
    }
    (page, title, sections)
}

fn generate(inputs: &[Input]) -> GeneratedCrate {
    stitch::generate(inputs, &syntho_options(), stitch::OnConflict::Error)
        .result
        .unwrap_or_else(|e| panic!("generating from {} inputs: {e}", inputs.len()))
}

/// Permutations of `0..n`: in order, reversed, and three fixed pseudo-shuffles (Fisher–Yates
/// driven by a small linear congruential generator with fixed seeds).
fn orders(n: usize) -> Vec<(String, Vec<usize>)> {
    let mut orders = vec![
        ("in order".to_owned(), (0..n).collect()),
        ("reversed".to_owned(), (0..n).rev().collect()),
    ];
    for seed in [1u64, 7, 2024] {
        let mut state = seed;
        let mut order: Vec<usize> = (0..n).collect();
        for i in (1..n).rev() {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let j = ((state >> 33) % (i as u64 + 1)) as usize;
            order.swap(i, j);
        }
        orders.push((format!("shuffled (seed {seed}) {order:?}"), order));
    }
    orders
}

/// Splitting the seed page into six pages (one per section, each under its own file name), in
/// any order, gives byte-identical files (every `src/*.rs`, `Cargo.toml`, `openapi.json`) to the
/// original single page: neither file names, line numbers nor input order leak into the output.
#[test]
fn split_pages_in_any_order_give_the_same_crate() {
    let (page, title, sections) = seed_sections();
    let expected = generate(&[page]);
    for (label, order) in orders(sections.len()) {
        let inputs: Vec<Input> = order
            .iter()
            .map(|&i| Input {
                path: format!("specs/split/part_{i}.md").into(),
                text: format!("{title}{}", sections[i]),
            })
            .collect();
        let actual = generate(&inputs);
        if let Err(difference) = compare_crates(&expected, &actual) {
            panic!("six pages, {label}: {difference}");
        }
    }
}

/// Reordering the sections inside the one page gives byte-identical files to the original.
#[test]
fn reordered_sections_in_one_page_give_the_same_crate() {
    let (page, title, sections) = seed_sections();
    let expected = generate(std::slice::from_ref(&page));
    for (label, order) in orders(sections.len()) {
        let mut text = title.clone();
        for &i in &order {
            text.push_str(&sections[i]);
        }
        let reordered = Input {
            path: page.path.clone(),
            text,
        };
        let actual = generate(&[reordered]);
        if let Err(difference) = compare_crates(&expected, &actual) {
            panic!("one page, sections {label}: {difference}");
        }
    }
}

/// Generating twice from the same input gives byte-identical crates.
#[test]
fn generating_twice_gives_the_same_crate() {
    let (page, _, _) = seed_sections();
    let first = generate(std::slice::from_ref(&page));
    let second = generate(&[page]);
    if let Err(difference) = compare_crates(&first, &second) {
        panic!("second run: {difference}");
    }
}
