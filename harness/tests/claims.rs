//! The claims ledger agrees with the labs: every figure a claim cites exists
//! (a Rust fact the lab states, a Rust case, a CPython counterpart, a size
//! the case has), and the committed run judges every claim of a built lab
//! under every interpreter it was measured with.

use std::path::PathBuf;

use heaplab::measure::python::Counterpart;
use heaplab::registry;
use heaplab::results::Results;
use heaplab_core::claim::{At, Locator, Side, Verdict};

#[test]
fn every_cited_figure_exists() {
    for lab in registry::labs() {
        let facts: Vec<String> = (lab.facts)().into_iter().map(|f| f.name).collect();
        let counterparts = Counterpart::of(lab, |case| case.sizes.to_vec());
        for claim in &lab.claims {
            for evidence in &claim.evidence {
                let what = format!(
                    "{} claim {} evidence '{}'",
                    lab.id, claim.id, evidence.label
                );
                match (evidence.side, evidence.locator) {
                    (Side::Rust, Locator::Fact(name)) => {
                        assert!(
                            facts.iter().any(|f| f == name),
                            "{what}: no Rust fact {name:?}"
                        );
                    }
                    (
                        Side::Rust,
                        Locator::Metric {
                            workload,
                            strategy,
                            at,
                            ..
                        },
                    ) => {
                        let case = lab
                            .find(workload, strategy)
                            .unwrap_or_else(|| panic!("{what}: no case {workload}/{strategy}"));
                        if let At::N(n) = at {
                            assert!(case.sizes.contains(&(n as usize)), "{what}: no size {n}");
                        }
                    }
                    (
                        Side::Python,
                        Locator::Metric {
                            workload,
                            strategy,
                            at,
                            ..
                        },
                    ) => {
                        let c = counterparts
                            .iter()
                            .find(|c| c.workload == workload && c.strategy == strategy)
                            .unwrap_or_else(|| {
                                panic!("{what}: no CPython counterpart {workload}/{strategy}")
                            });
                        if let At::N(n) = at {
                            assert!(c.sizes.contains(&(n as usize)), "{what}: no size {n}");
                        }
                    }
                    // CPython facts are checked against the committed run below.
                    (Side::Python, Locator::Fact(_)) => {}
                }
            }
        }
    }
}

#[test]
fn the_committed_run_judges_every_claim_of_a_built_lab() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../results/latest.json");
    let results = Results::load(&path).unwrap();
    assert!(
        !results.claims.is_empty(),
        "the committed run has no ledger: rerun `make bench`"
    );
    assert!(
        !results.interpreters.is_empty(),
        "the committed run measured one CPython: run `make bench PYTHONS=...` with every CPython 3.9+ you have"
    );
    // The figures the committed run measured, judged by today's rules: a
    // claim whose figure is missing (a fact renamed, a counterpart gone)
    // shows here.
    for claim in heaplab::claims::of(&results) {
        for v in claim.verdicts.iter().filter(|_| claim.built) {
            assert_ne!(
                v.verdict,
                Verdict::NotMeasured,
                "claim {} under {}: {}",
                claim.id,
                v.python,
                v.says
            );
        }
    }
}
