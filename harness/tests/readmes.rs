//! The figures in the READMEs are the committed results' figures: every
//! generated block in `README.md` and `labs/*/README.md` must be exactly
//! what `results/latest.json` gives (see `heaplab::render::readme`).

use std::path::PathBuf;

use heaplab::render::readme;
use heaplab::results::Results;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

#[test]
fn every_readme_block_matches_the_committed_results() {
    let root = root();
    let results = Results::load(&root.join(readme::COMMITTED)).expect("committed results load");
    let mut problems = Vec::new();
    for path in readme::readmes(&root) {
        let text = std::fs::read_to_string(&path).unwrap();
        match readme::drift(&text, &results) {
            Ok(None) => {}
            Ok(Some(why)) => problems.push(format!("{}: {why}", path.display())),
            Err(why) => problems.push(format!("{}: {why}", path.display())),
        }
    }
    assert!(
        problems.is_empty(),
        "README figures differ from {}. They are generated: run `make report` to regenerate them, and edit only the prose outside the <!-- heaplab:... --> blocks.\n{}",
        readme::COMMITTED,
        problems.join("\n")
    );
}

#[test]
fn every_lab_readme_quotes_its_run_and_has_figures() {
    for path in readme::readmes(&root()).into_iter().skip(1) {
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.contains("<!-- heaplab:run -->"),
            "{} does not say which run its figures come from (a `run` block)",
            path.display()
        );
        assert!(
            text.contains("<!-- heaplab:table") || text.contains("<!-- heaplab:value"),
            "{} has no generated figures",
            path.display()
        );
    }
}
