//! Mapping the lines of a generated text back to the lines it was generated
//! from, so an error in evaluated prose or in generated Typst points at the
//! line the author wrote.
//!
//! Statement lines (`{% set … -%}`) vanish and expressions change their lines,
//! but most lines pass through unchanged. Lines that occur exactly once in
//! both texts anchor the alignment (the longest increasing run of them, as in
//! patience diff); between two anchors a longest-common-subsequence alignment
//! places the rest, and the changed lines of a gap map in order onto the
//! written lines of that gap. The common-subsequence table is built only for
//! gaps up to [`MAX_GAP_CELLS`]; a larger gap (thousands of repeated lines)
//! maps proportionally, so the cost stays linear in the size of the texts.

use std::collections::HashMap;

/// The largest gap, in written × generated lines, aligned line by line.
const MAX_GAP_CELLS: usize = 1 << 20;

/// For each line of `generated`, the 1-based line of `written` it came from.
pub fn line_map(written: &str, generated: &str) -> Vec<usize> {
    let a: Vec<&str> = written.lines().collect();
    let b: Vec<&str> = generated.lines().collect();
    let mut map = vec![0usize; b.len()];
    let (mut i, mut j) = (0, 0);
    for (ai, bj) in anchors(&a, &b).into_iter().chain(std::iter::once((a.len(), b.len()))) {
        align_gap(&a[i..ai], &b[j..bj], i, &mut map[j..bj]);
        if bj < b.len() {
            map[bj] = ai + 1;
        }
        (i, j) = (ai + 1, bj + 1);
    }
    map
}

/// Pairs of equal lines, one per line that occurs exactly once in each text, in order in both.
fn anchors(a: &[&str], b: &[&str]) -> Vec<(usize, usize)> {
    let mut counts: HashMap<&str, (usize, usize, usize)> = HashMap::new();
    for (i, line) in a.iter().enumerate() {
        let entry = counts.entry(line).or_insert((0, 0, i));
        entry.0 += 1;
        entry.2 = i;
    }
    let mut pairs = Vec::new();
    for (j, line) in b.iter().enumerate() {
        if let Some(entry) = counts.get_mut(line) {
            entry.1 += 1;
            pairs.push((entry.2, j, *line));
        }
    }
    let unique: Vec<(usize, usize)> = pairs
        .into_iter()
        .filter(|(_, _, line)| counts.get(line).is_some_and(|c| c.0 == 1 && c.1 == 1))
        .map(|(i, j, _)| (i, j))
        .collect();
    longest_increasing(&unique)
}

/// The longest subsequence of `pairs` (sorted by the second element) increasing in the first.
fn longest_increasing(pairs: &[(usize, usize)]) -> Vec<(usize, usize)> {
    // tails[k]: index into `pairs` of the smallest tail of an increasing run of length k + 1.
    let mut tails: Vec<usize> = Vec::new();
    let mut previous: Vec<Option<usize>> = vec![None; pairs.len()];
    for (index, pair) in pairs.iter().enumerate() {
        let k = tails.partition_point(|&t| pairs[t].0 < pair.0);
        previous[index] = k.checked_sub(1).map(|k| tails[k]);
        if k == tails.len() {
            tails.push(index);
        } else {
            tails[k] = index;
        }
    }
    let mut run = Vec::with_capacity(tails.len());
    let mut cursor = tails.last().copied();
    while let Some(index) = cursor {
        run.push(pairs[index]);
        cursor = previous[index];
    }
    run.reverse();
    run
}

/// Maps the generated lines `b` of a gap onto its written lines `a`, which start at `offset`.
fn align_gap(a: &[&str], b: &[&str], offset: usize, map: &mut [usize]) {
    if b.is_empty() {
        return;
    }
    if a.is_empty() {
        // Nothing was written here: the lines came from the line before the gap.
        map.iter_mut().for_each(|slot| *slot = offset.max(1));
        return;
    }
    if a.len().saturating_mul(b.len()) > MAX_GAP_CELLS {
        // First to first, last to last, the rest in proportion.
        let (last_a, last_b) = (a.len() - 1, (b.len() - 1).max(1));
        for (j, slot) in map.iter_mut().enumerate() {
            *slot = offset + j * last_a / last_b + 1;
        }
        return;
    }
    // lcs[i][j]: length of the longest common subsequence of a[i..] and b[j..].
    let mut lcs = vec![vec![0u32; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] { lcs[i + 1][j + 1] + 1 } else { lcs[i + 1][j].max(lcs[i][j + 1]) };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut pending: Vec<usize> = Vec::new();
    let mut gap_start = 0;
    let flush = |pending: &mut Vec<usize>, map: &mut [usize], from: usize, to: usize| {
        // Generated lines between anchors take the last written lines of the gap, in
        // order: vanished statement lines come first in a gap, changed lines last.
        let n = pending.len();
        for (k, line) in pending.drain(..).enumerate() {
            map[line] = offset + (to + 1).saturating_sub(n - k).max(from) + 1;
        }
    };
    while j < b.len() {
        if i < a.len() && a[i] == b[j] && lcs[i][j] == lcs[i + 1][j + 1] + 1 {
            flush(&mut pending, map, gap_start, i.saturating_sub(1).max(gap_start));
            map[j] = offset + i + 1;
            i += 1;
            j += 1;
            gap_start = i;
        } else if i < a.len() && lcs[i + 1][j] >= lcs[i][j + 1] {
            i += 1;
        } else {
            pending.push(j);
            j += 1;
        }
    }
    flush(&mut pending, map, gap_start, a.len().saturating_sub(1));
}

#[cfg(test)]
mod tests {
    use super::line_map;

    #[test]
    fn changed_and_vanished_lines_map_to_what_was_written() {
        let written = "{% set a = 1 -%}\n{% set b = 2 -%}\nFirst {{ a }}.\n\nSecond.\n```chart\nid: x\n```\n";
        let generated = "First 1.\n\nSecond.\n```chart\nid: x\n```\n";
        assert_eq!(line_map(written, generated), vec![3, 4, 5, 6, 7, 8]);
    }

    #[test]
    fn thousands_of_repeated_lines_map_in_order() {
        let written = "# A\n\n".to_string() + &"Use {{ 1 + 1 }} here.\n\n".repeat(5000) + "End {{ x }}\n";
        let generated = "# A\n\n".to_string() + &"Use 2 here.\n\n".repeat(5000) + "End 3\n";
        let map = line_map(&written, &generated);
        assert_eq!(map.len(), generated.lines().count());
        assert!(map.windows(2).all(|w| w[0] <= w[1]), "in order");
        assert_eq!(map[0], 1);
        assert_eq!(*map.last().unwrap(), written.lines().count());
    }
}
