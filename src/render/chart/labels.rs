//! Label placement that never collides: each label is tried beside its mark,
//! then on rings further out with a leader line back to the mark, and takes
//! the first place that stays inside the chart and clear of every mark, every
//! label already placed and every leader (a leader may pass over dots in a
//! dense cloud, never over a label). A label with no such place within
//! reach is dropped, and the chart reports it, rather than drawn over another.
//!
//! The search is deterministic (a fixed order of places, no randomness), so
//! the same data always gives the same layout; its cost is the number of
//! places tried times the boxes already placed, which stays small because only
//! highlighted points carry labels.

/// A box in SVG units, top-left to bottom-right.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
}

impl Rect {
    /// The square around a dot of `radius` at (`x`, `y`).
    pub fn around(x: f64, y: f64, radius: f64) -> Self {
        Self { x0: x - radius, y0: y - radius, x1: x + radius, y1: y + radius }
    }

    pub fn overlaps(&self, other: &Rect) -> bool {
        self.x0 < other.x1 && other.x0 < self.x1 && self.y0 < other.y1 && other.y0 < self.y1
    }

    fn inside(&self, bounds: &Rect) -> bool {
        self.x0 >= bounds.x0 && self.x1 <= bounds.x1 && self.y0 >= bounds.y0 && self.y1 <= bounds.y1
    }

    /// The point of the box nearest to `p`.
    fn nearest(&self, (x, y): (f64, f64)) -> (f64, f64) {
        (x.clamp(self.x0, self.x1), y.clamp(self.y0, self.y1))
    }

    /// Whether the segment from `a` to `b` passes through the box (Liang–Barsky clipping).
    fn crossed_by(&self, a: (f64, f64), b: (f64, f64)) -> bool {
        let (dx, dy) = (b.0 - a.0, b.1 - a.1);
        let (mut t0, mut t1) = (0.0f64, 1.0f64);
        for (p, q) in [(-dx, a.0 - self.x0), (dx, self.x1 - a.0), (-dy, a.1 - self.y0), (dy, self.y1 - a.1)] {
            if p == 0.0 {
                if q < 0.0 {
                    return false;
                }
            } else {
                let t = q / p;
                if p < 0.0 { t0 = t0.max(t) } else { t1 = t1.min(t) }
            }
        }
        t0 < t1
    }
}

/// Where a label went: its box and, when it sits away from its mark, the
/// leader line from the mark's edge to the box.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Placed {
    pub rect: Rect,
    pub leader: Option<((f64, f64), (f64, f64))>,
}

/// The clearance every label keeps from other boxes.
const MARGIN: f64 = 1.5;

/// How far out labels are looked for: rings at this many steps of a line height.
const RINGS: usize = 6;

/// Directions tried on each ring, in order of preference: right, left, above,
/// below, then the diagonals and the angles between (degrees, y down).
const ANGLES: [f64; 16] =
    [0.0, 180.0, 270.0, 90.0, 315.0, 225.0, 45.0, 135.0, 337.5, 202.5, 292.5, 247.5, 22.5, 157.5, 67.5, 112.5];

/// Places labels one at a time among marks that must stay visible.
pub struct Placer {
    bounds: Rect,
    marks: Vec<Rect>,
    /// Drawn lines (a line chart's series) as segments, which no label may cross.
    lines: Vec<((f64, f64), (f64, f64))>,
    labels: Vec<Rect>,
    leaders: Vec<((f64, f64), (f64, f64))>,
}

impl Placer {
    /// A placer for labels inside `bounds` that must keep off `marks`.
    pub fn new(bounds: Rect, marks: Vec<Rect>) -> Self {
        Self { bounds, marks, lines: Vec::new(), labels: Vec::new(), leaders: Vec::new() }
    }

    /// Polylines that later labels must not cross.
    pub fn avoid_lines(&mut self, polylines: &[Vec<(f64, f64)>]) {
        self.lines.extend(polylines.iter().flat_map(|p| p.windows(2).map(|w| (w[0], w[1]))));
    }

    /// Records a label drawn at a place its kind fixes, free or not, so later labels keep off it.
    pub fn claim(&mut self, rect: Rect) {
        self.labels.push(rect);
    }

    /// Boxes placed elsewhere (another layer's labels) that later labels must keep off.
    pub fn avoid(&mut self, boxes: &[Rect]) {
        self.marks.extend_from_slice(boxes);
    }

    /// The first free place for a `(w, h)` label of the dot at `point` with
    /// `radius`, or `None` when every place within reach is taken or outside.
    pub fn place(&mut self, point: (f64, f64), radius: f64, (w, h): (f64, f64)) -> Option<Placed> {
        let step = h.max(10.0);
        for ring in 0..RINGS {
            let distance = radius + 4.0 + ring as f64 * step;
            let angles = if ring == 0 { &ANGLES[..8] } else { &ANGLES[..] };
            for angle in angles {
                let rect = box_towards(point, distance, angle.to_radians(), (w, h));
                let leader = (ring > 0).then(|| leader(point, radius, &rect));
                if self.free(&rect, leader) {
                    self.labels.push(rect);
                    self.leaders.extend(leader);
                    return Some(Placed { rect, leader });
                }
            }
        }
        None
    }

    /// Takes `rect` if it is inside and free (a label at a place fixed by its kind).
    pub fn take(&mut self, rect: Rect) -> bool {
        let free = self.free(&rect, None);
        if free {
            self.labels.push(rect);
        }
        free
    }

    /// Whether `rect` (with its `leader`) is inside and clear of everything placed.
    fn free(&self, rect: &Rect, leader: Option<((f64, f64), (f64, f64))>) -> bool {
        // Positions are rounded to whole units when drawn: keep a unit and a half clear.
        let rect = &Rect { x0: rect.x0 - MARGIN, y0: rect.y0 - MARGIN, x1: rect.x1 + MARGIN, y1: rect.y1 + MARGIN };
        rect.inside(&self.bounds)
            && !self.marks.iter().any(|m| m.overlaps(rect))
            && !self.labels.iter().any(|l| l.overlaps(rect))
            && !self.leaders.iter().any(|(a, b)| rect.crossed_by(*a, *b))
            && !self.lines.iter().any(|(a, b)| rect.crossed_by(*a, *b))
            // A leader crosses no label; in a dense cloud it may pass over other dots, a thin
            // line that hides none of them, rather than leave the label out.
            && leader.is_none_or(|(a, b)| {
                !self.labels.iter().any(|l| l.crossed_by(a, b)) && !self.leaders.iter().any(|(c, d)| cross(a, b, *c, *d))
            })
    }
}

/// Whether the segments `a`–`b` and `c`–`d` cross (touching ends do not count).
fn cross(a: (f64, f64), b: (f64, f64), c: (f64, f64), d: (f64, f64)) -> bool {
    let side = |p: (f64, f64), q: (f64, f64), r: (f64, f64)| (q.0 - p.0) * (r.1 - p.1) - (q.1 - p.1) * (r.0 - p.0);
    let (d1, d2) = (side(c, d, a), side(c, d, b));
    let (d3, d4) = (side(a, b, c), side(a, b, d));
    d1 * d2 < 0.0 && d3 * d4 < 0.0
}

/// A `(w, h)` box whose side facing `point` is `distance` away in the direction `angle`.
fn box_towards((px, py): (f64, f64), distance: f64, angle: f64, (w, h): (f64, f64)) -> Rect {
    let (cos, sin) = (angle.cos(), angle.sin());
    let (qx, qy) = (px + distance * cos, py + distance * sin);
    // Mostly sideways: the box starts (or ends) at q; mostly up or down: it is centred on it.
    let x0 = if cos > 0.38 {
        qx
    } else if cos < -0.38 {
        qx - w
    } else {
        qx - w / 2.0
    };
    let y0 = if sin > 0.38 {
        qy
    } else if sin < -0.38 {
        qy - h
    } else {
        qy - h / 2.0
    };
    Rect { x0, y0, x1: x0 + w, y1: y0 + h }
}

/// A leader from the dot's edge towards the label, stopping short of the box.
fn leader((px, py): (f64, f64), radius: f64, rect: &Rect) -> ((f64, f64), (f64, f64)) {
    let (nx, ny) = rect.nearest((px, py));
    let (dx, dy) = (nx - px, ny - py);
    let length = (dx * dx + dy * dy).sqrt().max(1e-6);
    let from = (px + dx / length * (radius + 1.5), py + dy / length * (radius + 1.5));
    let to = (nx - dx / length * 2.0, ny - dy / length * 2.0);
    (from, to)
}

/// Labels in one column (line ends, a slope's sides): each `(want, height)`
/// asks to be centred at `want`. Returns each one's centre, in the order
/// given, pushed apart so none overlaps the next and kept within `top` and
/// `bottom` as far as their total height allows.
pub fn spread(wants: &[(f64, f64)], top: f64, bottom: f64) -> Vec<f64> {
    let mut order: Vec<usize> = (0..wants.len()).collect();
    order.sort_by(|a, b| wants[*a].0.total_cmp(&wants[*b].0).then(a.cmp(b)));
    let mut at: Vec<f64> = wants.iter().map(|w| w.0).collect();
    let mut floor = top;
    for &i in &order {
        let half = wants[i].1 / 2.0;
        at[i] = at[i].max(floor + half);
        floor = at[i] + half;
    }
    let mut ceiling = bottom;
    for &i in order.iter().rev() {
        let half = wants[i].1 / 2.0;
        at[i] = at[i].min(ceiling - half);
        ceiling = at[i] - half;
    }
    at
}

/// Which labels of `heights` a column of `room` can hold: all if they fit,
/// else the ones marked `keep` first and the rest from the end dropped.
/// Returns the kept and the dropped indices, each in the order given.
pub fn keep_within(heights: &[f64], keep: &[bool], room: f64) -> (Vec<usize>, Vec<usize>) {
    let mut kept: Vec<usize> = (0..heights.len()).collect();
    let mut dropped = Vec::new();
    while kept.iter().map(|i| heights[*i]).sum::<f64>() > room && !kept.is_empty() {
        let last = kept.iter().rposition(|i| !keep[*i]).unwrap_or(kept.len() - 1);
        dropped.push(kept.remove(last));
    }
    dropped.reverse();
    (kept, dropped)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bounds() -> Rect {
        Rect { x0: 0.0, y0: 0.0, x1: 640.0, y1: 400.0 }
    }

    #[test]
    fn a_label_goes_right_of_its_dot_when_that_is_free() {
        let mut placer = Placer::new(bounds(), vec![Rect::around(100.0, 100.0, 5.0)]);
        let placed = placer.place((100.0, 100.0), 5.0, (40.0, 16.0)).unwrap();
        assert!(placed.rect.x0 > 105.0 && placed.leader.is_none(), "{placed:?}");
    }

    #[test]
    fn crowded_labels_move_out_with_leaders_and_never_overlap() {
        // Twenty dots in a tight cluster, every one labelled.
        let dots: Vec<(f64, f64)> =
            (0..20).map(|i| (300.0 + (i % 5) as f64 * 6.0, 200.0 + (i / 5) as f64 * 6.0)).collect();
        let marks: Vec<Rect> = dots.iter().map(|(x, y)| Rect::around(*x, *y, 3.0)).collect();
        let mut placer = Placer::new(bounds(), marks.clone());
        let placed: Vec<Placed> = dots.iter().filter_map(|d| placer.place(*d, 3.0, (60.0, 16.0))).collect();
        // A grid this dense holds a label beside its edge dots and a few more out on leaders;
        // the rest have nowhere to go that crosses no label, and are refused.
        assert!((6..20).contains(&placed.len()), "{}", placed.len());
        assert!(placed.iter().any(|p| p.leader.is_some()));
        for (i, a) in placed.iter().enumerate() {
            assert!(marks.iter().all(|m| !m.overlaps(&a.rect)), "label {i} covers a dot");
            for b in &placed[i + 1..] {
                assert!(!a.rect.overlaps(&b.rect), "{a:?} overlaps {b:?}");
            }
        }
    }

    #[test]
    fn labels_in_a_column_are_pushed_apart_and_kept_inside() {
        let at = spread(&[(100.0, 20.0), (95.0, 20.0), (390.0, 20.0), (399.0, 20.0)], 0.0, 400.0);
        assert_eq!(at, vec![115.0, 95.0, 370.0, 390.0]);
    }

    #[test]
    fn leaders_never_cross_each_other() {
        assert!(cross((0.0, 0.0), (10.0, 10.0), (0.0, 10.0), (10.0, 0.0)));
        assert!(!cross((0.0, 0.0), (10.0, 0.0), (0.0, 5.0), (10.0, 5.0)));
        let dots: Vec<(f64, f64)> = (0..30).map(|i| (200.0 + i as f64 * 4.0, 200.0 - i as f64 * 3.0)).collect();
        let marks: Vec<Rect> = dots.iter().map(|(x, y)| Rect::around(*x, *y, 3.0)).collect();
        let mut placer = Placer::new(bounds(), marks);
        let leaders: Vec<_> =
            dots.iter().filter_map(|d| placer.place(*d, 3.0, (70.0, 16.0))).filter_map(|p| p.leader).collect();
        for (i, (a, b)) in leaders.iter().enumerate() {
            assert!(leaders[i + 1..].iter().all(|(c, d)| !cross(*a, *b, *c, *d)), "leader {i} crosses another");
        }
    }

    #[test]
    fn a_label_with_nowhere_to_go_is_refused() {
        let mut placer = Placer::new(Rect { x0: 0.0, y0: 0.0, x1: 50.0, y1: 50.0 }, Vec::new());
        assert_eq!(placer.place((25.0, 25.0), 3.0, (80.0, 16.0)), None);
    }
}
