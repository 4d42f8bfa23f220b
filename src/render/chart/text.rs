//! Text measurement without font libraries: widths estimated per character
//! (East Asian characters full-width), wrapping to a width and cutting with an
//! ellipsis, so every layout is computed from the data alone.

/// Advances in ems of Noto Sans Regular for printable ASCII (space to `~`).
/// Other house fonts differ a little, which the layouts' margins absorb.
const ASCII_EMS: [f32; 95] = [
    0.26, 0.27, 0.41, 0.65, 0.57, 0.83, 0.73, 0.23, 0.30, 0.30, 0.55, 0.57, 0.27, 0.32, 0.27, 0.37, // space to /
    0.57, 0.57, 0.57, 0.57, 0.57, 0.57, 0.57, 0.57, 0.57, 0.57, 0.27, 0.27, 0.57, 0.57, 0.57, 0.43, // 0 to ?
    0.90, 0.64, 0.65, 0.63, 0.73, 0.56, 0.52, 0.73, 0.74, 0.34, 0.27, 0.62, 0.52, 0.91, 0.76, 0.78, // @ to O
    0.61, 0.78, 0.62, 0.55, 0.56, 0.73, 0.60, 0.93, 0.59, 0.57, 0.57, 0.33, 0.37, 0.33, 0.57, 0.44, // P to _
    0.56, 0.56, 0.62, 0.48, 0.62, 0.56, 0.34, 0.62, 0.62, 0.26, 0.26, 0.53, 0.26, 0.94, 0.62, 0.61, // ` to o
    0.62, 0.62, 0.41, 0.48, 0.36, 0.62, 0.51, 0.79, 0.53, 0.51, 0.47, 0.35, 0.55, 0.35, 0.57, // p to ~
];

/// Estimated advance of `c` in ems.
fn char_width(c: char) -> f64 {
    if is_wide(c) {
        return 1.0;
    }
    match c {
        ' '..='~' => ASCII_EMS[c as usize - 0x20] as f64,
        // A non-breaking space is as wide as a space.
        '\u{a0}' => ASCII_EMS[0] as f64,
        '–' => 0.5,
        '—' => 1.0,
        '…' => 0.79,
        // Figures, currency and maths signs share the digits' width in Noto Sans.
        '−' | '¥' | '€' | '£' | '×' | '±' => 0.57,
        c if c.is_uppercase() => 0.68,
        // Other scripts: letters of Latin width, erring a little wide.
        _ => 0.62,
    }
}

/// Estimated width of `text` at `size`, counting characters, East Asian ones full-width.
pub fn text_width(text: &str, size: f64) -> f64 {
    text.chars().map(char_width).sum::<f64>() * size
}

/// Bold text runs about 6% wider.
pub fn bold_width(text: &str, size: f64) -> f64 {
    text_width(text, size) * 1.06
}

fn is_wide(c: char) -> bool {
    matches!(c as u32, 0x1100..=0x11FF | 0x2E80..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD)
}

/// Splits `text` into at most `max_lines` lines no wider than `max`, breaking
/// at spaces (anywhere in East Asian text) and ending with "…" if it must cut.
pub fn wrap(text: &str, max: f64, size: f64, max_lines: usize) -> Vec<String> {
    if text_width(text, size) <= max {
        return vec![text.to_string()];
    }
    // Breakable pieces: words with their leading space, or single wide characters.
    let mut pieces: Vec<String> = Vec::new();
    for (i, word) in text.split(' ').enumerate() {
        let mut current = if i > 0 { " ".to_string() } else { String::new() };
        for c in word.chars() {
            if is_wide(c) {
                if !current.trim().is_empty() {
                    pieces.push(std::mem::take(&mut current));
                }
                pieces.push(c.to_string());
            } else {
                current.push(c);
            }
        }
        if !current.is_empty() {
            pieces.push(current);
        }
    }
    let mut lines: Vec<String> = vec![String::new()];
    for piece in pieces {
        let line = lines.last_mut().expect("lines starts non-empty");
        let candidate = format!("{line}{piece}");
        if text_width(&candidate, size) <= max || line.is_empty() {
            *line = candidate;
        } else {
            lines.push(piece.trim_start().to_string());
        }
    }
    // A single word wider than the line is cut rather than left to overflow.
    if lines.len() > max_lines {
        // The last line kept carries on into the rest, cut with an ellipsis.
        let rest = lines[max_lines.max(1) - 1..].join(" ");
        lines.truncate(max_lines.max(1) - 1);
        lines.push(rest);
    }
    for line in &mut lines {
        if text_width(line, size) > max {
            *line = fit(line, max, size, true);
        }
    }
    lines
}

/// The longest start of `text` that fits `max`, with "…" when cut (if `ellipsis`).
pub fn fit(text: &str, max: f64, size: f64, ellipsis: bool) -> String {
    if text_width(text, size) <= max {
        return text.to_string();
    }
    let mark = if ellipsis { "…" } else { "" };
    let budget = max - text_width(mark, size);
    let mut out = String::new();
    for c in text.chars() {
        if text_width(&out, size) + char_width(c) * size > budget {
            break;
        }
        out.push(c);
    }
    format!("{}{mark}", out.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn east_asian_characters_count_full_width() {
        assert_eq!(text_width("北京", 10.0), 20.0);
        assert!(text_width("ab", 10.0) < 12.0);
    }

    #[test]
    fn long_labels_wrap_to_two_lines_and_cut_with_an_ellipsis() {
        let lines = wrap("Xinjiang Uygur Autonomous Region", 120.0, 14.0, 2);
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert!(lines.iter().all(|l| text_width(l, 14.0) <= 120.0), "{lines:?}");
        let cut = wrap("A very long category name that keeps going and going", 100.0, 14.0, 2);
        assert!(cut[1].ends_with('…'), "{cut:?}");
        let chinese = wrap("新疆维吾尔自治区新疆维吾尔自治区", 80.0, 14.0, 2);
        assert_eq!(chinese.len(), 2, "East Asian text breaks between characters: {chinese:?}");
    }
}
