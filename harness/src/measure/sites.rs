//! Where the bytes went: dhat's per-site data, by line of the code asked about.
//!
//! dhat writes, per allocation site (a distinct call stack), the blocks and
//! bytes it allocated in total and those still live at the end, with each
//! frame as `ip: function (dir/dir/file.rs:line:col)` (paths trimmed to
//! their last three components). A site is credited ([`Credit`]) to the
//! first frame in the code asked about — a student's file, or a lab's
//! crate — the line that asked for the memory, even when the allocation
//! itself happens deep in `Vec` or `HashMap`; sites outside it are credited
//! to their first frame outside the standard library.
//!
//! Two users: an exercise's verdict (which lines of your file allocated
//! what) and the heap family's live sites of a case that asks for them
//! (`Case::show_live_sites`: where a leak was allocated), and [`diff`] of
//! two such cases declared as two snapshots of one program
//! (`Lab::snapshot_diff`): heaplab's answer to tracemalloc's `compare_to`.

use std::collections::BTreeMap;
use std::path::{Component, Path};

use serde::{Deserialize, Serialize};

/// Largest dhat file read.
const MAX_SITES_FILE: u64 = 64 << 20;

/// Allocations credited to one line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Site {
    /// `points.rs:12` (a student's file), `src/lib.rs:40 in grow` (a lab's
    /// crate), or `(outside ...) function` when no frame of the stack is in
    /// the code asked about.
    pub place: String,
    /// Blocks allocated there.
    pub blocks: u64,
    /// Bytes allocated there.
    pub bytes: u64,
    /// Blocks from there still live when the run ended (output dropped).
    pub live_blocks: u64,
    /// Bytes from there still live.
    pub live_bytes: u64,
    /// Bytes from there live when the whole heap was at its peak.
    #[serde(default)]
    pub peak_bytes: u64,
}

/// One call stack's bytes, for an allocation flame graph: the frames in
/// the code asked about, from the outermost (the lab's entry) to the
/// innermost (the line that asked for the memory).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stack {
    /// Frames, outermost first, as places (`src/lib.rs:12 in grow`).
    pub frames: Vec<String>,
    /// Bytes allocated by this stack in all.
    pub bytes: u64,
}

impl Stack {
    /// The stack as one line of folded stacks (`a;b;c bytes`), the format
    /// flame graph tools read.
    ///
    /// ```
    /// let stack = heaplab::measure::sites::Stack { frames: vec!["run".into(), "grow".into()], bytes: 64 };
    /// assert_eq!(stack.folded(), "run;grow 64");
    /// ```
    pub fn folded(&self) -> String {
        let frames: Vec<String> = self.frames.iter().map(|f| f.replace(';', ":")).collect();
        format!("{} {}", frames.join(";"), self.bytes)
    }
}

/// What dhat saw of one case, for the report's profile of it: every site
/// credited to the lab's lines and every call stack.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// dhat's own file of the case (it opens in dhat's viewer), relative to
    /// the results directory; empty until the run saves it.
    #[serde(default)]
    pub file: String,
    /// The sites, largest total first.
    pub sites: Vec<Site>,
    /// The call stacks, largest first.
    pub stacks: Vec<Stack>,
}

#[derive(Deserialize)]
struct Dhat {
    pps: Vec<Pp>,
    ftbl: Vec<String>,
}

#[derive(Deserialize)]
struct Pp {
    tb: u64,
    tbk: u64,
    #[serde(default)]
    eb: u64,
    #[serde(default)]
    ebk: u64,
    #[serde(default)]
    gb: u64,
    fs: Vec<usize>,
}

/// The last three components of `path`, as dhat trims frame paths.
fn trimmed(path: &Path) -> String {
    let parts: Vec<String> = path
        .components()
        .filter(|c| matches!(c, Component::Normal(_)))
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    parts[parts.len().saturating_sub(3)..].join("/")
}

/// `(function, file, line)` of one frame string.
///
/// ```
/// let frame = "0x5581: lab::make_points (04-slots-vs-dict/exercises/points.rs:12:9)";
/// assert_eq!(
///     heaplab::measure::sites::parse_frame(frame),
///     Some(("lab::make_points", "04-slots-vs-dict/exercises/points.rs", 12))
/// );
/// assert_eq!(heaplab::measure::sites::parse_frame("[root]"), None);
/// ```
pub fn parse_frame(frame: &str) -> Option<(&str, &str, u32)> {
    let (head, place) = frame.rsplit_once(" (")?;
    let function = head.split_once(": ").map_or(head, |(_, f)| f);
    let place = place.strip_suffix(')')?;
    let mut parts = place.rsplitn(3, ':');
    let _column = parts.next()?;
    let line = parts.next()?.parse().ok()?;
    let file = parts.next()?;
    Some((function, file, line))
}

/// Frames of the machinery, never credited: the allocator, the standard
/// library, dhat, the grader.
fn machinery(function: &str, file: &str) -> bool {
    const PREFIXES: [&str; 8] = [
        "alloc::",
        "core::",
        "std::",
        "dhat::",
        "heaplab_core::",
        "heaplab::",
        "hashbrown::",
        "<",
    ];
    file.starts_with("/rustc/")
        || file.contains("/.cargo/registry/")
        || file == "???"
        || PREFIXES.iter().any(|p| function.starts_with(p))
}

/// The code a site is credited to.
#[derive(Debug, Clone, Copy)]
pub enum Credit<'a> {
    /// One file (a student's answer): places are `file.rs:line`.
    File(&'a Path),
    /// A lab's crate, by its id (its folder under `labs/`): places are
    /// `src/file.rs:line in function`.
    Lab(&'a str),
}

impl Credit<'_> {
    /// The place of a frame in the code asked about, or `None`.
    ///
    /// ```
    /// use std::path::Path;
    /// use heaplab::measure::sites::Credit;
    /// let lab = Credit::Lab("03-leaks");
    /// assert_eq!(
    ///     lab.place("lab03_leaks::grow", "03-leaks/src/lib.rs", 40).as_deref(),
    ///     Some("src/lib.rs:40 in grow")
    /// );
    /// assert_eq!(lab.place("slab::insert", "slab-0.4.12/src/lib.rs", 9), None);
    /// let file = Credit::File(Path::new("/w/labs/04-slots-vs-dict/exercises/points.rs"));
    /// assert_eq!(
    ///     file.place("answer::make", "04-slots-vs-dict/exercises/points.rs", 12).as_deref(),
    ///     Some("points.rs:12")
    /// );
    /// ```
    pub fn place(&self, function: &str, file: &str, line: u32) -> Option<String> {
        match self {
            Credit::File(answer) => {
                let answer = trimmed(answer);
                (file == answer).then(|| {
                    let name = Path::new(&answer)
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    format!("{name}:{line}")
                })
            }
            Credit::Lab(id) => {
                let inside = file.strip_prefix(id)?.strip_prefix('/')?;
                let function = function.rsplit("::").next().unwrap_or(function);
                Some(format!("{inside}:{line} in {function}"))
            }
        }
    }

    /// How a place outside the code asked about begins.
    fn outside(&self) -> &'static str {
        match self {
            Credit::File(_) => "(outside your file)",
            Credit::Lab(_) => "(outside the lab)",
        }
    }
}

/// The sites of dhat file `path`, credited as `credit` says, largest
/// first.
///
/// # Errors
///
/// Why there are none: the file is missing, too large or not dhat's.
pub fn read(path: &Path, credit: Credit) -> Result<Vec<Site>, String> {
    Ok(credited(&load(path)?, credit))
}

/// The profile of dhat file `path`: its sites credited as `credit` says
/// and its call stacks, each largest first.
///
/// # Errors
///
/// Why there is none: the file is missing, too large or not dhat's.
pub fn profile(path: &Path, credit: Credit) -> Result<Profile, String> {
    let dhat = load(path)?;
    let mut stacks: BTreeMap<Vec<String>, u64> = BTreeMap::new();
    for pp in dhat.pps.iter().filter(|pp| pp.tb > 0) {
        // The frames in the code asked about: the lab's own call path to
        // the line that asked for the memory (the harness above it and the
        // standard library below it are the same for every case).
        let mut frames: Vec<String> = pp
            .fs
            .iter()
            .filter_map(|&i| dhat.ftbl.get(i))
            .filter_map(|f| parse_frame(f))
            .filter_map(|(function, file, line)| credit.place(function, file, line))
            .collect();
        frames.reverse();
        if frames.is_empty() {
            frames.push(format!("{} the standard library", credit.outside()));
        }
        *stacks.entry(frames).or_default() += pp.tb;
    }
    let mut stacks: Vec<Stack> = stacks
        .into_iter()
        .map(|(frames, bytes)| Stack { frames, bytes })
        .collect();
    stacks.sort_by(|a, b| b.bytes.cmp(&a.bytes).then(a.frames.cmp(&b.frames)));
    Ok(Profile {
        file: String::new(),
        sites: credited(&dhat, credit),
        stacks,
    })
}

fn load(path: &Path) -> Result<Dhat, String> {
    let bytes = crate::results::files::read_limited(path, MAX_SITES_FILE)
        .map_err(|e| format!("cannot read dhat's per-site file {}: {e}", path.display()))?;
    serde_json::from_slice::<Dhat>(&bytes).map_err(|e| {
        format!(
            "dhat's per-site file {} is not what dhat writes: {e}",
            path.display()
        )
    })
}

fn credited(dhat: &Dhat, credit: Credit) -> Vec<Site> {
    let outside = credit.outside();
    let mut by_place: BTreeMap<String, Site> = BTreeMap::new();
    for pp in &dhat.pps {
        let frames: Vec<(&str, &str, u32)> = pp
            .fs
            .iter()
            .filter_map(|&i| dhat.ftbl.get(i))
            .filter_map(|f| parse_frame(f))
            .collect();
        let place = frames
            .iter()
            .find_map(|(function, file, line)| credit.place(function, file, *line))
            .or_else(|| {
                frames
                    .iter()
                    .find(|(function, file, _)| !machinery(function, file))
                    .map(|(function, _, _)| format!("{outside} {function}"))
            })
            .unwrap_or_else(|| format!("{outside} the standard library"));
        let site = by_place.entry(place.clone()).or_insert(Site {
            place,
            blocks: 0,
            bytes: 0,
            live_blocks: 0,
            live_bytes: 0,
            peak_bytes: 0,
        });
        site.blocks += pp.tbk;
        site.bytes += pp.tb;
        site.live_blocks += pp.ebk;
        site.live_bytes += pp.eb;
        site.peak_bytes += pp.gb;
    }
    let mut sites: Vec<Site> = by_place.into_values().collect();
    sites.sort_by(|a, b| b.bytes.cmp(&a.bytes).then(a.place.cmp(&b.place)));
    sites
}

/// One line's live bytes and blocks in two snapshots of one program.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Growth {
    /// The line, as [`Site::place`] names it.
    pub place: String,
    /// Bytes from there live in the first snapshot (0 when absent).
    pub before_bytes: u64,
    /// Bytes from there live in the second snapshot (0 when absent).
    pub after_bytes: u64,
    /// Blocks from there live in the first snapshot.
    pub before_blocks: u64,
    /// Blocks from there live in the second snapshot.
    pub after_blocks: u64,
}

impl Growth {
    /// Live bytes gained between the snapshots (negative: freed).
    pub fn bytes(&self) -> i64 {
        self.after_bytes as i64 - self.before_bytes as i64
    }

    /// Live blocks gained between the snapshots (negative: freed). A block
    /// grown by `realloc` stays one block, credited by dhat to the line
    /// that first allocated it.
    pub fn blocks(&self) -> i64 {
        self.after_blocks as i64 - self.before_blocks as i64
    }
}

/// What changed, line by line, between two snapshots of live sites.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diff {
    /// The lines whose live bytes grew, largest growth first (ties by place).
    pub grew: Vec<Growth>,
    /// The lines whose live bytes shrank (some or all freed), largest loss first.
    pub shrank: Vec<Growth>,
    /// How many lines held the same live bytes in both.
    pub same: usize,
    /// Live bytes of the first snapshot, over all its lines.
    pub before_bytes: u64,
    /// Live bytes of the second snapshot, over all its lines.
    pub after_bytes: u64,
}

impl Diff {
    /// The second snapshot's live bytes minus the first's: the sum of every
    /// line's growth, those that shrank included.
    pub fn total(&self) -> i64 {
        self.after_bytes as i64 - self.before_bytes as i64
    }
}

/// The live sites of snapshot `after` minus those of snapshot `before`,
/// by line: tracemalloc's `compare_to(..., 'lineno')` on dhat's figures.
/// A line counts when it had live bytes in either snapshot (a line whose
/// blocks were all freed before each snapshot was in neither, as in a
/// tracemalloc snapshot, which holds live blocks only).
///
/// ```
/// use heaplab::measure::sites::{Site, diff};
/// let site = |place: &str, live_bytes, live_blocks| Site {
///     place: place.into(), blocks: live_blocks, bytes: live_bytes,
///     live_blocks, live_bytes, peak_bytes: live_bytes,
/// };
/// let before = [site("src/lib.rs:9 in int_list", 800, 1), site("src/lib.rs:4 in scratch", 64, 1)];
/// let after = [
///     site("src/lib.rs:9 in int_list", 1_600, 1),
///     site("src/lib.rs:12 in str_dict", 2_000, 10),
///     site("src/lib.rs:4 in scratch", 0, 0),
/// ];
/// let d = diff(&before, &after);
/// let grew: Vec<(&str, i64, i64)> = d.grew.iter().map(|g| (g.place.as_str(), g.bytes(), g.blocks())).collect();
/// assert_eq!(grew, [("src/lib.rs:12 in str_dict", 2_000, 10), ("src/lib.rs:9 in int_list", 800, 0)]);
/// assert_eq!((d.shrank.len(), d.shrank[0].bytes(), d.same), (1, -64, 0));
/// assert_eq!(d.total(), 3_600 - 864);
/// assert_eq!(d.total(), d.grew.iter().chain(&d.shrank).map(|g| g.bytes()).sum::<i64>());
/// ```
pub fn diff(before: &[Site], after: &[Site]) -> Diff {
    let mut lines: BTreeMap<&str, Growth> = BTreeMap::new();
    let blank = |place: &str| Growth {
        place: place.to_owned(),
        before_bytes: 0,
        after_bytes: 0,
        before_blocks: 0,
        after_blocks: 0,
    };
    for s in before {
        let g = lines.entry(&s.place).or_insert_with(|| blank(&s.place));
        g.before_bytes += s.live_bytes;
        g.before_blocks += s.live_blocks;
    }
    for s in after {
        let g = lines.entry(&s.place).or_insert_with(|| blank(&s.place));
        g.after_bytes += s.live_bytes;
        g.after_blocks += s.live_blocks;
    }
    let mut d = Diff {
        grew: Vec::new(),
        shrank: Vec::new(),
        same: 0,
        before_bytes: before.iter().map(|s| s.live_bytes).sum(),
        after_bytes: after.iter().map(|s| s.live_bytes).sum(),
    };
    for g in lines.into_values() {
        match g.after_bytes.cmp(&g.before_bytes) {
            std::cmp::Ordering::Greater => d.grew.push(g),
            std::cmp::Ordering::Less => d.shrank.push(g),
            // Live in neither snapshot: not a line of either.
            std::cmp::Ordering::Equal if g.after_bytes == 0 && g.after_blocks == 0 => {}
            std::cmp::Ordering::Equal => d.same += 1,
        }
    }
    // Largest growth first, largest loss first; the BTreeMap gave place order for ties.
    d.grew.sort_by_key(|g| std::cmp::Reverse(g.bytes()));
    d.shrank.sort_by_key(|g| g.bytes());
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(place: &str, live_bytes: u64, live_blocks: u64) -> Site {
        Site {
            place: place.to_owned(),
            blocks: live_blocks + 1,
            bytes: live_bytes + 8,
            live_blocks,
            live_bytes,
            peak_bytes: live_bytes,
        }
    }

    #[test]
    fn a_diff_lists_the_lines_that_grew_and_its_total_is_the_live_bytes_difference() {
        let before = [
            site("src/lib.rs:93 in int_list", 8_000, 1),
            site("src/lib.rs:50 in kept", 24, 1),
            site("src/lib.rs:60 in scratch", 0, 0),
        ];
        let after = [
            site("src/lib.rs:93 in int_list", 16_000, 1),
            site("src/lib.rs:107 in str_dict", 6_000, 1),
            site("src/lib.rs:106 in {closure#0}", 6_000, 100),
            site("src/lib.rs:50 in kept", 24, 1),
            site("src/lib.rs:60 in scratch", 0, 0),
            site("src/lib.rs:70 in temp", 0, 0),
        ];
        let d = diff(&before, &after);
        let grew: Vec<(&str, u64, u64, i64, i64)> = d
            .grew
            .iter()
            .map(|g| {
                (
                    g.place.as_str(),
                    g.before_bytes,
                    g.after_bytes,
                    g.bytes(),
                    g.blocks(),
                )
            })
            .collect();
        assert_eq!(
            grew,
            [
                ("src/lib.rs:93 in int_list", 8_000, 16_000, 8_000, 0),
                ("src/lib.rs:106 in {closure#0}", 0, 6_000, 6_000, 100),
                ("src/lib.rs:107 in str_dict", 0, 6_000, 6_000, 1),
            ]
        );
        // Lines live in neither snapshot are in neither; `kept` stayed.
        assert_eq!((d.shrank.len(), d.same), (0, 1));
        assert_eq!((d.before_bytes, d.after_bytes), (8_024, 28_024));
        assert_eq!(d.total(), 20_000);

        // The other way round, every line that grew shrank.
        let back = diff(&after, &before);
        assert!(back.grew.is_empty());
        assert_eq!(back.shrank.len(), 3);
        assert_eq!(back.shrank[0].bytes(), -8_000);
        assert_eq!(back.total(), -20_000);
    }
}
