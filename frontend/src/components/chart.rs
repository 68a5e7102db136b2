//! SVG charts drawn from plain numbers: a line chart (rating history) and a bar chart with an
//! optional line (head-to-head margins and their running average).

use leptos::prelude::*;

const WIDTH: f64 = 600.0;
const HEIGHT: f64 = 200.0;
const PAD: f64 = 28.0;

/// Maps `values` onto the chart area: x evenly spaced, y scaled between min and max.
pub fn scale(values: &[f64], lo: f64, hi: f64) -> Vec<(f64, f64)> {
    let span = if (hi - lo).abs() < f64::EPSILON {
        1.0
    } else {
        hi - lo
    };
    let step = if values.len() > 1 {
        (WIDTH - 2.0 * PAD) / (values.len() - 1) as f64
    } else {
        0.0
    };
    values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let x = PAD + step * i as f64;
            let y = HEIGHT - PAD - (v - lo) / span * (HEIGHT - 2.0 * PAD);
            (x, y)
        })
        .collect()
}

/// The `points` attribute of a polyline.
pub fn points_attr(points: &[(f64, f64)]) -> String {
    points
        .iter()
        .map(|(x, y)| format!("{x:.1},{y:.1}"))
        .collect::<Vec<_>>()
        .join(" ")
}

fn bounds(values: &[f64]) -> (f64, f64) {
    let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if lo.is_finite() { (lo, hi) } else { (0.0, 1.0) }
}

/// A line chart of `(label, value)` points, with min/max labels and a title for screen readers.
#[component]
pub fn LineChart(#[prop(into)] title: String, points: Vec<(String, f64)>) -> impl IntoView {
    let values: Vec<f64> = points.iter().map(|p| p.1).collect();
    let (min, max) = bounds(&values);
    let (lo, hi) = (min - 10.0, max + 10.0);
    let scaled = scale(&values, lo, hi);
    let y_of = |v: f64| scale(&[v], lo, hi)[0].1;
    let (y_max, y_min) = (y_of(max) + 4.0, y_of(min) + 4.0);
    let line = points_attr(&scaled);
    let dots = scaled
        .iter()
        .zip(points.iter())
        .map(|((x, y), (label, v))| {
            view! {
                <circle cx=format!("{x:.1}") cy=format!("{y:.1}") r="3">
                    <title>{format!("{label}: {v:.0}")}</title>
                </circle>
            }
        })
        .collect_view();
    let desc = format!(
        "{title}: {} points, from {:.0} to {:.0}",
        values.len(),
        values.first().copied().unwrap_or_default(),
        values.last().copied().unwrap_or_default()
    );
    view! {
        <figure class="chart">
            <svg viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img" aria-label=desc>
                <line class="axis" x1=PAD y1={HEIGHT - PAD} x2={WIDTH - PAD} y2={HEIGHT - PAD} />
                <text class="tick" x="2" y=format!("{y_max:.1}")>{format!("{max:.0}")}</text>
                <text class="tick" x="2" y=format!("{y_min:.1}")>{format!("{min:.0}")}</text>
                <polyline class="line" points=line />
                {dots}
            </svg>
            <figcaption>{title}</figcaption>
        </figure>
    }
}

/// Bars around a zero line (positive up), with an optional overlaid line on the same scale.
#[component]
pub fn BarChart(
    #[prop(into)] title: String,
    bars: Vec<f64>,
    #[prop(optional)] line: Option<Vec<f64>>,
) -> impl IntoView {
    let all: Vec<f64> = bars
        .iter()
        .chain(line.iter().flatten())
        .copied()
        .chain([0.0])
        .collect();
    let (lo, hi) = bounds(&all);
    let zero = scale(&[0.0], lo, hi)[0].1;
    let n = bars.len().max(1) as f64;
    let slot = (WIDTH - 2.0 * PAD) / n;
    let rects = bars
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let y = scale(&[*v], lo, hi)[0].1;
            let (top, height) = if y < zero {
                (y, zero - y)
            } else {
                (zero, y - zero)
            };
            let x = PAD + slot * i as f64 + slot * 0.15;
            view! {
                <rect
                    class={if *v >= 0.0 { "bar pos" } else { "bar neg" }}
                    x=format!("{x:.1}")
                    y=format!("{top:.1}")
                    width=format!("{:.1}", slot * 0.7)
                    height=format!("{:.1}", height.max(1.0))
                >
                    <title>{format!("match {}: {v:+.0}", i + 1)}</title>
                </rect>
            }
        })
        .collect_view();
    let overlay = line.map(|values| {
        let mut pts = scale(&values, lo, hi);
        for (i, p) in pts.iter_mut().enumerate() {
            p.0 = PAD + slot * i as f64 + slot / 2.0;
        }
        view! { <polyline class="line" points=points_attr(&pts) /> }
    });
    view! {
        <figure class="chart">
            <svg viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img" aria-label=title.clone()>
                <line class="axis" x1=PAD y1=zero x2={WIDTH - PAD} y2=zero />
                {rects}
                {overlay}
            </svg>
            <figcaption>{title}</figcaption>
        </figure>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scaling_puts_the_minimum_at_the_bottom_and_the_maximum_at_the_top() {
        let pts = scale(&[1500.0, 1520.0, 1510.0], 1500.0, 1520.0);
        // Bottom-left, top-middle, right edge at mid height (WIDTH 600, HEIGHT 200, PAD 28).
        assert_eq!(points_attr(&pts), "28.0,172.0 300.0,28.0 572.0,100.0");
    }

    #[test]
    fn a_flat_series_does_not_divide_by_zero() {
        let pts = scale(&[1500.0], 1500.0, 1500.0);
        assert!(pts[0].1.is_finite());
    }
}
