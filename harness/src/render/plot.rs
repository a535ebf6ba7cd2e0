//! SVG plots for the report: per workload, peak bytes per op and time per op
//! against `n`, one line per strategy, CPython dashed.

use plotters::coord::Shift;
use plotters::prelude::*;

/// One line: a strategy's points `(n, value per op)`.
pub struct Series {
    /// Legend label, e.g. `rc` or `py:refcount`.
    pub label: String,
    /// Points, ascending `n`; values already divided by `n`.
    pub points: Vec<(f64, f64)>,
    /// Drawn dashed (CPython) or solid (Rust).
    pub dashed: bool,
    /// Index into the palette, shared by a Rust strategy and its counterpart.
    pub color: usize,
}

/// One panel: a title, a y-axis label, a scale and its lines.
pub struct Panel {
    /// Panel title.
    pub title: String,
    /// What the y axis shows, with its unit.
    pub y_label: String,
    /// What the x axis counts (always on a log scale), e.g. `n`.
    pub x_label: String,
    /// Logarithmic y axis (for times spanning decades) or linear from 0
    /// (for bytes, where 0 — no allocation — must be visible).
    pub log_y: bool,
    /// The lines.
    pub series: Vec<Series>,
}

/// Panel size in pixels (width, height); two panels side by side.
const PANEL: (u32, u32) = (640, 400);
/// Width of the legend column at the right of each panel, in pixels.
const LEGEND_WIDTH: i32 = 170;

/// Renders panels side by side into an SVG document.
///
/// # Errors
///
/// The drawing error as text (plotters reports layout problems this way).
pub fn render(panels: &[Panel]) -> Result<String, String> {
    let mut svg = String::new();
    {
        let width = PANEL.0 * panels.len().max(1) as u32;
        let root = SVGBackend::with_string(&mut svg, (width, PANEL.1)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let areas = root.split_evenly((1, panels.len().max(1)));
        for (panel, area) in panels.iter().zip(&areas) {
            draw_panel(panel, area).map_err(|e| e.to_string())?;
        }
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(svg)
}

/// The y value as drawn: `log10` on a log axis. Non-positive values cannot
/// be drawn on a log axis and are left out (the tables still show them).
fn y_of(v: f64, log_y: bool) -> Option<f64> {
    match log_y {
        true if v > 0.0 => Some(v.log10()),
        true => None,
        false => Some(v),
    }
}

fn draw_panel<'a>(
    panel: &Panel,
    area: &DrawingArea<SVGBackend<'a>, Shift>,
) -> Result<(), Box<dyn std::error::Error + 'a>> {
    let xs: Vec<f64> = panel
        .series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.0.log10()))
        .collect();
    let ys: Vec<f64> = panel
        .series
        .iter()
        .flat_map(|s| s.points.iter().filter_map(|p| y_of(p.1, panel.log_y)))
        .collect();
    let (x0, x1) = padded(&xs, 0.15);
    let (mut y0, y1) = padded(&ys, 0.1);
    if !panel.log_y {
        y0 = 0.0;
    }
    let (plot_area, legend) = area.split_horizontally(area.dim_in_pixel().0 as i32 - LEGEND_WIDTH);
    let mut chart = ChartBuilder::on(&plot_area)
        .caption(&panel.title, ("sans-serif", 18))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(64)
        .build_cartesian_2d(x0..x1, y0..y1)?;
    let log_y = panel.log_y;
    chart
        .configure_mesh()
        .x_desc(format!("{} (log scale)", panel.x_label))
        .y_desc(panel.y_label.as_str())
        .x_labels(6)
        .y_labels(8)
        .x_label_formatter(&|v| compact(10f64.powf(*v)))
        .y_label_formatter(&|v| {
            if log_y {
                compact(10f64.powf(*v))
            } else {
                compact(*v)
            }
        })
        .draw()?;
    for series in &panel.series {
        let color = Palette99::pick(series.color).to_rgba();
        let points: Vec<(f64, f64)> = series
            .points
            .iter()
            .filter_map(|&(n, v)| y_of(v, log_y).map(|y| (n.log10(), y)))
            .collect();
        let style = ShapeStyle::from(color).stroke_width(2);
        if series.dashed {
            chart.draw_series(DashedLineSeries::new(points.clone(), 6, 4, style))?;
        } else {
            chart.draw_series(LineSeries::new(points.clone(), style))?;
        }
        chart.draw_series(points.iter().map(|&p| Circle::new(p, 3, color.filled())))?;
    }
    for (i, series) in panel.series.iter().enumerate() {
        let color = Palette99::pick(series.color).to_rgba();
        let y = 48 + 20 * i as i32;
        let style = ShapeStyle::from(color).stroke_width(2);
        if series.dashed {
            legend.draw(&PathElement::new(vec![(6, y), (12, y)], style))?;
            legend.draw(&PathElement::new(vec![(16, y), (22, y)], style))?;
        } else {
            legend.draw(&PathElement::new(vec![(6, y), (22, y)], style))?;
        }
        legend.draw(&Text::new(
            series.label.as_str(),
            (28, y - 7),
            ("sans-serif", 13),
        ))?;
    }
    Ok(())
}

/// The range of the finite `values` widened by `pad` of its span on each
/// side (a unit span around a single value, `0..1` when there is none).
/// Always finite and non-empty, whatever the values: plotters lays out its
/// axis from this range, and an infinite or zero-width one never finishes.
fn padded(values: &[f64], pad: f64) -> (f64, f64) {
    let finite = || values.iter().copied().filter(|v| v.is_finite());
    let lo = finite().fold(f64::INFINITY, f64::min);
    let hi = finite().fold(f64::NEG_INFINITY, f64::max);
    if !lo.is_finite() || !hi.is_finite() {
        return (0.0, 1.0);
    }
    let span = hi - lo;
    let span = if span.is_finite() && span > lo.abs().max(hi.abs()) * 1e-9 {
        span
    } else {
        lo.abs().max(1.0)
    };
    let (a, b) = (lo - span * pad, hi + span * pad);
    if a.is_finite() && b.is_finite() && a < b {
        (a, b)
    } else {
        (lo.max(-1e300), hi.min(1e300).max(lo.max(-1e300) + 1.0))
    }
}

/// A short label: `1k`, `10M`, `2.5`, `0.12`.
///
/// ```
/// use heaplab::render::plot::compact;
/// assert_eq!(compact(1_000.0), "1k");
/// assert_eq!(compact(2_500_000.0), "2.5M");
/// assert_eq!(compact(24.0), "24");
/// assert_eq!(compact(0.126), "0.13");
/// ```
pub fn compact(v: f64) -> String {
    let (scaled, suffix) = match v.abs() {
        a if a >= 1e9 => (v / 1e9, "G"),
        a if a >= 1e6 => (v / 1e6, "M"),
        a if a >= 1e3 => (v / 1e3, "k"),
        _ => (v, ""),
    };
    let text = if scaled.abs() >= 100.0 || scaled == scaled.round() {
        format!("{scaled:.0}")
    } else if scaled.abs() >= 1.0 {
        format!("{scaled:.1}")
    } else {
        format!("{scaled:.2}")
    };
    format!("{text}{suffix}")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Draws every kind of awkward value on both axis kinds; each render
    /// must finish (an infinite per-op value once made the layout loop).
    #[test]
    fn awkward_values_render_in_bounded_time() {
        let awkward = [
            0.0,
            -0.0,
            1e-300,
            f64::MIN_POSITIVE,
            1.0,
            1e15,
            1e300,
            f64::MAX,
            f64::INFINITY,
            f64::NAN,
            -5.0,
        ];
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for &a in &awkward {
                for &b in &awkward {
                    for log_y in [false, true] {
                        let panel = Panel {
                            x_label: "n".to_owned(),
                            title: "t".into(),
                            y_label: "y".into(),
                            log_y,
                            series: vec![Series {
                                label: "s".into(),
                                points: vec![(1.0, a), (1e6, b)],
                                dashed: false,
                                color: 0,
                            }],
                        };
                        let _ = render(&[panel]);
                    }
                }
            }
            tx.send(()).unwrap();
        });
        assert!(
            rx.recv_timeout(std::time::Duration::from_secs(60)).is_ok(),
            "a render did not finish"
        );
    }
}
