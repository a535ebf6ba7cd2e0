//! Export to Bencher Metric Format (BMF), for continuous-benchmarking services.
//!
//! BMF is a JSON object: benchmark name → measure slug → `{value,
//! lower_value?, upper_value?}`. Each Rust case record becomes one
//! benchmark named `lab/workload/strategy/n`, with the measures `latency`
//! (ns, with the confidence interval as lower/upper values),
//! `instructions`, `allocations`, `bytes`, `peak-bytes` and `live-bytes`.
//! BMF cannot say "not measured", so an unmeasured metric is left out
//! rather than sent as a number; CPython records are not exported.

use serde_json::{Map, Value, json};

use crate::plan::case_key;
use crate::results::{Metric, Results, Source, metric};

/// heaplab metric name → BMF measure slug.
pub const MEASURES: [(&str, &str); 6] = [
    (metric::TIME_NS, "latency"),
    (metric::INSTRUCTIONS, "instructions"),
    (metric::ALLOCS, "allocations"),
    (metric::BYTES, "bytes"),
    (metric::PEAK_BYTES, "peak-bytes"),
    (metric::LIVE_BYTES, "live-bytes"),
];

/// The results as a BMF document.
///
/// ```
/// let results = heaplab::results::example(&[("allocs", 3)]);
/// let bmf = heaplab::render::export::bmf(&results);
/// assert_eq!(bmf["00-example/w/s/1"]["allocations"]["value"], 3.0);
/// ```
pub fn bmf(results: &Results) -> Value {
    let mut doc = Map::new();
    for record in results.cases.iter().filter(|r| r.source == Source::Rust) {
        let mut measures = Map::new();
        for (name, slug) in MEASURES {
            let value = match record.metrics.get(name) {
                Some(Metric::Count(v)) => json!({ "value": *v as f64 }),
                Some(Metric::Estimate {
                    median,
                    ci_low,
                    ci_high,
                }) => {
                    json!({ "value": median, "lower_value": ci_low, "upper_value": ci_high })
                }
                Some(Metric::NotMeasured { .. }) | None => continue,
            };
            measures.insert(slug.to_owned(), value);
        }
        let name = case_key(
            &record.lab,
            &record.workload,
            &record.strategy,
            record.n as usize,
        );
        doc.insert(name, Value::Object(measures));
    }
    Value::Object(doc)
}
