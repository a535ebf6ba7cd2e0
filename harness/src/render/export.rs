//! Export to Bencher Metric Format (BMF), for continuous-benchmarking services.
//!
//! BMF is a JSON object: benchmark name → measure slug → `{value,
//! lower_value?, upper_value?}`. Each Rust case record becomes one
//! benchmark named by its [`CaseId`](crate::results::CaseId), with one
//! measure per scalar metric of the table, under the metric's export slug
//! (`latency` carries its interval as lower/upper values). BMF cannot say
//! "not measured" and has no series, so those are left out rather than
//! sent as numbers; CPython records are not exported.

use serde_json::{Map, Value, json};

use crate::results::metrics::METRICS;
use crate::results::{Metric, Results, Source};

/// The results as a BMF document.
///
/// ```
/// let results = heaplab::results::example(&[("allocs", 3)]);
/// let bmf = heaplab::render::export::bmf(&results);
/// assert_eq!(bmf["00-example/w/s/1"]["allocations"]["value"], 3.0);
/// assert_eq!(bmf["00-example/w/s/1"].as_object().unwrap().len(), 7);
/// ```
pub fn bmf(results: &Results) -> Value {
    let mut doc = Map::new();
    for record in results.cases.iter().filter(|r| r.source == Source::Rust) {
        let mut measures = Map::new();
        for spec in &METRICS {
            let value = match record.metrics.get(spec.name) {
                Some(Metric::Count(v)) => json!({ "value": *v as f64 }),
                Some(Metric::Estimate {
                    median, low, high, ..
                }) => json!({ "value": median, "lower_value": low, "upper_value": high }),
                Some(Metric::Series { .. } | Metric::NotMeasured { .. }) | None => continue,
            };
            measures.insert(spec.export.to_owned(), value);
        }
        doc.insert(record.id.to_string(), Value::Object(measures));
    }
    Value::Object(doc)
}
