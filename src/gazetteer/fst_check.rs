//! Checks the bytes of an automaton (the name index and the person-name list) before
//! the `fst` crate is let near them.
//!
//! `fst` trusts its bytes: [`fst::Map::new`] reads only the header and footer, and a
//! node whose bytes are damaged makes the crate read out of bounds, underflow an address
//! or fail an assertion when the node is decoded, at load (the root's transitions fill
//! the walk's lookup tables) or on the first name that walks into it. The file's
//! checksum does not help once the damage comes with a matching checksum.
//!
//! So every node is decoded here first, once, with checked arithmetic, following fst
//! 0.4's node layout (`fst/src/raw/node.rs`): nodes are written back to back after the
//! 16-byte header, each read backwards from its last byte, the root last. The bytes are
//! accepted only if the nodes tile the space from the header to the root exactly, each
//! fits the ranges the crate's decoder assumes (pack sizes of 1 to 8 bytes), and every
//! transition leads to the start of a node written before it (or to the empty final
//! state). Then no walk can reach a byte the crate cannot decode. The values a walk adds
//! up are not bounded here: the walk adds them with wrapping arithmetic, and a value
//! past the postings finds no postings ([`super::Gazetteer`]'s lookups are checked).
//!
//! [`check`] does this in one pass over the nodes, with two bitmaps of one bit per byte
//! (1.3 MB and about 9 ms for the bundled 5 MB name index): the small person-name list
//! is checked so at load. The name index is checked a part at a time instead, as walks
//! first reach each part ([`Reachable`]), which checks every node a walk can reach
//! without the tiling: a one-article run then checks a few thousand nodes, not 750,000.

/// The fst header: format version and type, 8 bytes each. No node starts inside it.
const HEADER: usize = 16;
/// Nodes with more transitions than this carry a 256-byte index (format version 2 on).
const TRANS_INDEX_THRESHOLD: usize = 32;
/// The only address below [`HEADER`] a transition may lead to: the empty final state,
/// which has no bytes.
const EMPTY_ADDRESS: usize = 0;
/// Highest fst format version this checker knows (that of fst 0.4).
const MAX_VERSION: u64 = 3;

fn read_u64(b: &[u8], at: usize) -> Option<u64> {
    let bytes: [u8; 8] = b.get(at..at.checked_add(8)?)?.try_into().ok()?;
    Some(u64::from_le_bytes(bytes))
}

/// A little-endian unsigned integer of `n` (1 to 8) bytes at `at`.
fn unpack(b: &[u8], at: usize, n: usize) -> Option<u64> {
    Some(little_endian(b.get(at..at.checked_add(n)?)?))
}

/// The little-endian unsigned integer of (up to 8) `bytes`.
fn little_endian(bytes: &[u8]) -> u64 {
    bytes
        .iter()
        .rev()
        .fold(0u64, |v, &byte| (v << 8) | u64::from(byte))
}

/// Where a decoded node's transitions lead, by state type.
enum Targets {
    /// One transition, to the node written just before (`end - 1`).
    Next,
    /// One transition, its address delta at `at`, `size` bytes.
    One { at: usize, size: usize },
    /// `count` transitions, the delta of transition `i` at `last - (i + 1) * size`.
    Any {
        last: usize,
        size: usize,
        count: usize,
    },
}

/// A node as far as the checks need it.
struct Node {
    /// First byte of the node (its address is its last byte).
    end: usize,
    targets: Targets,
}

impl Node {
    /// The node at `addr` (its last byte), or `None` if decoding it would leave the
    /// bytes, underflow, or use a pack size the crate's decoder rejects.
    fn decode(b: &[u8], version: u64, addr: usize) -> Option<Node> {
        let state = *b.get(addr)?;
        let node = match state >> 6 {
            // One transition to the previous node, no output.
            0b11 => {
                let input_len = usize::from(state & 0b11_1111 == 0);
                Node {
                    end: addr.checked_sub(input_len)?,
                    targets: Targets::Next,
                }
            }
            // One transition with an address and maybe an output.
            0b10 => {
                let input_len = usize::from(state & 0b11_1111 == 0);
                let sizes_at = addr.checked_sub(input_len + 1)?;
                let (tsize, osize) = pack_sizes(*b.get(sizes_at)?);
                if !(1..=8).contains(&tsize) || osize > 8 {
                    return None;
                }
                Node {
                    end: sizes_at.checked_sub(tsize + osize)?,
                    targets: Targets::One {
                        at: sizes_at - tsize,
                        size: tsize,
                    },
                }
            }
            // Any number of transitions, maybe final.
            _ => {
                let in_state = usize::from(state & 0b11_1111);
                let (ntrans_len, ntrans) = if in_state != 0 {
                    (0, in_state)
                } else {
                    // 1 never counts transitions here (one is written in the state
                    // byte), so it stands for 256.
                    match *b.get(addr.checked_sub(1)?)? {
                        1 => (1, 256),
                        n => (1, usize::from(n)),
                    }
                };
                let sizes_at = addr.checked_sub(ntrans_len + 1)?;
                let (tsize, osize) = pack_sizes(*b.get(sizes_at)?);
                if tsize > 8 || osize > 8 || (ntrans > 0 && tsize == 0) {
                    return None;
                }
                let index = if version >= 2 && ntrans > TRANS_INDEX_THRESHOLD {
                    256
                } else {
                    0
                };
                let is_final = state & 0b0100_0000 != 0;
                let final_osize = if is_final { osize } else { 0 };
                let size = ntrans * (1 + tsize + osize) + index + final_osize;
                Node {
                    end: sizes_at.checked_sub(size)?,
                    targets: Targets::Any {
                        last: sizes_at - index - ntrans,
                        size: tsize,
                        count: ntrans,
                    },
                }
            }
        };
        (node.end >= HEADER).then_some(node)
    }

    /// Calls `f` with where each transition leads, in transition order; `None` (after
    /// the calls for the transitions before it) at the first whose address would fall
    /// below zero. A node's address deltas are read as one slice, not one bounds check
    /// per transition: [`Reachable`] runs this on most of the automaton on a long run.
    fn each_target(&self, b: &[u8], mut f: impl FnMut(usize)) -> Option<()> {
        match self.targets {
            Targets::Next => f(self.end.checked_sub(1)?),
            Targets::One { at, size } => f(self.address(unpack(b, at, size)?)?),
            Targets::Any { last, size, count } => {
                if count == 0 {
                    return Some(());
                }
                // Transition `i`'s delta is the `i`-th from the end. `size` is at least
                // 1 here: `Node::decode` refuses a zero size with transitions.
                let deltas = b.get(last.checked_sub(count * size)?..last)?;
                for delta in deltas.rchunks_exact(size.max(1)) {
                    f(self.address(little_endian(delta))?);
                }
            }
        }
        Some(())
    }

    /// Where a transition with address delta `delta` leads, or `None` if below zero.
    fn address(&self, delta: u64) -> Option<usize> {
        match usize::try_from(delta).ok()? {
            0 => Some(EMPTY_ADDRESS),
            d => self.end.checked_sub(d),
        }
    }
}

/// Transition address and output pack sizes, in bytes.
fn pack_sizes(v: u8) -> (usize, usize) {
    (usize::from(v >> 4), usize::from(v & 0b1111))
}

fn set(bits: &mut [u64], i: usize) {
    bits[i / 64] |= 1 << (i % 64);
}

/// Where an automaton's nodes are, from its header and footer ([`frame`]).
#[derive(Debug, Clone, Copy)]
pub(super) struct Frame {
    /// The fst format version (1 to [`MAX_VERSION`]).
    pub(super) version: u64,
    /// The root node's address (its last byte); [`EMPTY_ADDRESS`] for an automaton
    /// without nodes.
    pub(super) root: usize,
}

/// Checks the automaton's header and footer: a version this checker knows, and a root
/// that is the last node, just before the footer (or no nodes at all).
pub(super) fn frame(b: &[u8]) -> Result<Frame, String> {
    let version = read_u64(b, 0).ok_or_else(|| format!("{} bytes, too short", b.len()))?;
    if !(1..=MAX_VERSION).contains(&version) {
        return Err(format!("unknown automaton version {version}"));
    }
    // Footer: key count and root address (8 bytes each), then from version 3 a checksum.
    let checksum_len = if version >= 3 { 4 } else { 0 };
    let too_short = || format!("{} bytes, too short", b.len());
    let end = b
        .len()
        .checked_sub(checksum_len)
        .filter(|&e| e >= HEADER + 16)
        .ok_or_else(too_short)?;
    let root = read_u64(b, end - 8).ok_or_else(too_short)?;
    if root == EMPTY_ADDRESS as u64 {
        // The root is the empty final state: no nodes at all.
        return if end == HEADER + 16 {
            Ok(Frame {
                version,
                root: EMPTY_ADDRESS,
            })
        } else {
            Err(format!("{} bytes of nodes but no root", end - HEADER - 16))
        };
    }
    // The root is the last node written, just before the footer.
    if root.checked_add(1 + 16) != Some(end as u64) {
        return Err(format!(
            "root address {root} does not end the nodes (byte {})",
            end - 17
        ));
    }
    Ok(Frame {
        version,
        root: end - 17,
    })
}

/// Checks that the whole automaton in `b` decodes safely everywhere a walk can go (see
/// the module docs); the error says where it does not.
pub(super) fn check(b: &[u8]) -> Result<(), String> {
    let Frame { version, root } = frame(b)?;
    if root == EMPTY_ADDRESS {
        return Ok(());
    }
    let words = root / 64 + 1;
    let (mut starts, mut targets) = (vec![0u64; words], vec![0u64; words]);
    let mut addr = root;
    loop {
        let node = Node::decode(b, version, addr)
            .ok_or_else(|| format!("the node ending at byte {addr} does not decode"))?;
        set(&mut starts, addr);
        // Targets lie below `node.end`, so within the bitmaps.
        node.each_target(b, |target| set(&mut targets, target))
            .ok_or_else(|| {
                format!("a transition of the node at byte {addr} leads before the start")
            })?;
        if node.end == HEADER {
            break;
        }
        addr = node.end - 1;
    }
    // Every transition must lead to a node's address (its last byte), or to the empty
    // final state, which has none.
    targets[0] &= !(1 << EMPTY_ADDRESS);
    for (i, (t, s)) in targets.iter().zip(&starts).enumerate() {
        let stray = t & !s;
        if stray != 0 {
            let at = i * 64 + stray.trailing_zeros() as usize;
            return Err(format!("a transition leads to byte {at}, where no node is"));
        }
    }
    Ok(())
}

/// Checks the one node at `addr` (its last byte): that the crate can decode it and
/// every transition out of it, and that no transition leads below address 0. Where the
/// transitions lead is not checked: see [`Reachable`]. The empty final state (address
/// 0) has no bytes and is always fine.
pub(super) fn check_node(b: &[u8], version: u64, addr: usize) -> Result<(), String> {
    if addr == EMPTY_ADDRESS {
        return Ok(());
    }
    let node = Node::decode(b, version, addr)
        .ok_or_else(|| format!("the node ending at byte {addr} does not decode"))?;
    node.each_target(b, |_| {})
        .ok_or_else(|| format!("a transition of the node at byte {addr} leads before the start"))
}

/// The check of [`check`] done a part at a time: [`Reachable::check_from`] checks every
/// node a walk can reach from one node, once, and remembers the nodes it has checked so
/// that parts sharing nodes check them once.
///
/// It is what lets a gazetteer load without walking its 5 MB name index (two thirds of
/// the CPU time of a one-article run): the root and the nodes one step from it are
/// checked at load, and the part under each two-letter prefix the first time a walk
/// enters it (usually a few hundred nodes; 39,000 for the largest prefix). Checking
/// every node reachable from the places walks start covers every node a walk can
/// decode, as [`check`] does; nodes no walk reaches are never checked, and need not be.
///
/// A run that enters many parts (a batch, a long text: nearly all of them) checks the
/// whole automaton in one pass instead, once [`WHOLE_AFTER`] parts were asked for.
#[derive(Debug)]
pub(super) struct Reachable {
    version: u64,
    /// One bit per byte of the automaton: set for a node whose every reachable node
    /// has been checked and found whole. Made on first use; behind a lock so that a
    /// check that fails halfway can take back the bits it set (another thread must
    /// never skip a node whose descendants are still unchecked).
    checked: std::sync::Mutex<Vec<u64>>,
    /// Parts asked for so far.
    parts: std::sync::atomic::AtomicUsize,
    /// Whether [`check`] found the whole automaton whole, once it was run.
    whole: std::sync::OnceLock<bool>,
}

/// Parts checked one by one before the rest are checked by one pass over the whole
/// automaton ([`check`]). A news article enters a few dozen parts; a 40 MB text enters
/// nearly all of them, and checking them one by one (each a walk under the lock, parts
/// sharing nodes) took about 100 ms of CPU, where [`check`] takes about 9 ms.
const WHOLE_AFTER: usize = 256;

impl Reachable {
    pub(super) fn new(version: u64) -> Self {
        Reachable {
            version,
            checked: std::sync::Mutex::new(Vec::new()),
            parts: std::sync::atomic::AtomicUsize::new(0),
            whole: std::sync::OnceLock::new(),
        }
    }

    /// For an automaton known whole without a check (the file this binary was built
    /// with, see `load.rs`): every part answers whole at once.
    pub(super) fn whole(version: u64) -> Self {
        let reachable = Reachable::new(version);
        let _ = reachable.whole.set(true);
        reachable
    }

    /// True if the whole automaton `b` (the one this was made for) is whole, by
    /// [`check`], run once; every part is then whole too.
    pub(super) fn check_whole(&self, b: &[u8]) -> bool {
        *self.whole.get_or_init(|| check(b).is_ok())
    }

    /// True if every node reachable from `addr` in the automaton `b` (the one this was
    /// made for) decodes safely.
    pub(super) fn check_from(&self, b: &[u8], addr: usize) -> bool {
        if self.whole.get() == Some(&true) {
            return true;
        }
        let asked = self
            .parts
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        // Damage anywhere fails the whole pass: the parts are then checked one by one,
        // so that only the damaged ones read as missing.
        if asked >= WHOLE_AFTER && self.check_whole(b) {
            return true;
        }
        // A panic while the lock was held cannot leave bits for unchecked nodes: bits
        // are set only once a node is checked, and a failed check clears its own.
        let mut checked = self
            .checked
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if checked.is_empty() {
            // Zeroed by the allocator: pages are touched only where bits are set.
            *checked = vec![0; b.len() / 64 + 1];
        }
        let is_set =
            |bits: &[u64], i: usize| bits.get(i / 64).is_some_and(|w| w >> (i % 64) & 1 == 1);
        let mut set_here: Vec<usize> = Vec::new();
        let mut stack = vec![addr];
        while let Some(addr) = stack.pop() {
            if addr == EMPTY_ADDRESS || is_set(&checked, addr) {
                continue;
            }
            // Only targets not checked yet are stacked (one with two parents may still
            // be stacked twice: the test above skips it the second time).
            let whole = Node::decode(b, self.version, addr).and_then(|node| {
                node.each_target(b, |t| {
                    if t != EMPTY_ADDRESS && !is_set(&checked, t) {
                        stack.push(t);
                    }
                })
            });
            if whole.is_none() {
                for i in set_here {
                    checked[i / 64] &= !(1u64 << (i % 64));
                }
                return false;
            }
            // Within the automaton: `Node::decode` read its byte.
            checked[addr / 64] |= 1 << (addr % 64);
            set_here.push(addr);
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(keys: &[(&str, u64)]) -> Vec<u8> {
        let mut b = fst::MapBuilder::memory();
        for (k, v) in keys {
            b.insert(k, *v).expect("sorted keys");
        }
        b.into_inner().expect("built")
    }

    #[test]
    fn accepts_what_fst_builds() {
        let many: Vec<(String, u64)> = (0..2000u64)
            .map(|i| (format!("{:05}{}", i * 7919 % 100_000, i % 3), i << 20 | 3))
            .collect();
        let mut many: Vec<(&str, u64)> = many.iter().map(|(k, v)| (k.as_str(), *v)).collect();
        many.sort();
        many.dedup_by(|a, b| a.0 == b.0);
        // 256 first bytes: nodes with an index and with the 256-transition count.
        let all_bytes: Vec<[u8; 2]> = (0..=255u8).map(|b| [b, b'x']).collect();
        let mut wide = fst::MapBuilder::memory();
        for (i, k) in all_bytes.iter().enumerate() {
            wide.insert(k, i as u64).expect("sorted");
        }
        let wide = wide.into_inner().expect("built");
        for bytes in [
            map(&[]),
            map(&[("", 0)]),
            map(&[("", 5)]),
            map(&[("a", 0)]),
            map(&[("niamey", 1 << 40), ("niger", u64::MAX), ("nigeria", 3)]),
            map(&many),
            wide,
        ] {
            check(&bytes).expect("valid automaton");
            fst::Map::new(bytes).expect("fst agrees");
        }
    }

    /// The part-at-a-time check from the root: `frame`, then everything reachable.
    fn reachable_from_root(b: &[u8]) -> bool {
        frame(b).is_ok_and(|f| Reachable::new(f.version).check_from(b, f.root))
    }

    #[test]
    fn the_check_from_the_root_accepts_what_fst_builds_and_what_check_accepts() {
        let good = map(&[
            ("niamey", 1 << 40),
            ("niger", 7),
            ("nigeria", 3),
            ("paris", 9),
        ]);
        assert!(reachable_from_root(&good));
        assert!(reachable_from_root(&map(&[])));
        // Every single-byte change that the whole check accepts, the check from the root
        // accepts too (it skips only the tiling, which no walk needs); and whatever it
        // accepts, every key can be looked up in.
        let end = good.len() - 4;
        for at in HEADER..end {
            for v in [0x00, 0xff, 0x41, 0x80, 0xc0] {
                let mut b = good.clone();
                b[at] = v;
                if check(&b).is_ok() {
                    assert!(reachable_from_root(&b), "byte {at} = {v:#x}");
                }
                if reachable_from_root(&b) {
                    let m = fst::Map::new(b).expect("fst agrees");
                    for k in ["niamey", "niger", "nigeria", "paris", "n", "x"] {
                        let _ = m.contains_key(k);
                    }
                }
            }
        }
    }

    #[test]
    fn a_failed_check_takes_back_what_it_marked() {
        // A check that fails halfway has marked the nodes it passed on the way; were
        // they left marked, the next check would skip them (and what lies under them)
        // and pass. So asking again must fail again, for every damage that fails.
        let good = map(&[("ab", 1), ("abc", 5), ("zz", 2), ("zzy", 3)]);
        let end = good.len() - 4;
        let mut failed = 0;
        for at in HEADER..end {
            for v in [0x00, 0xff, 0x41, 0x80, 0xc0] {
                let mut b = good.clone();
                b[at] = v;
                let Ok(f) = frame(&b) else { continue };
                let reachable = Reachable::new(f.version);
                if !reachable.check_from(&b, f.root) {
                    failed += 1;
                    assert!(!reachable.check_from(&b, f.root), "byte {at} = {v:#x}");
                }
            }
        }
        assert!(failed > 0, "no damage failed: the test tests nothing");
    }

    #[test]
    fn past_many_parts_the_whole_pass_answers_and_damage_still_reads_as_damage() {
        let good = map(&[("ab", 1), ("abc", 5), ("zz", 2), ("zzy", 3)]);
        let f = frame(&good).expect("frame");
        let reachable = Reachable::new(f.version);
        for _ in 0..WHOLE_AFTER + 3 {
            assert!(reachable.check_from(&good, f.root));
        }
        assert_eq!(reachable.whole.get(), Some(&true), "the whole pass ran");
        // Damage that fails the check from the root fails it past the threshold too:
        // the whole pass fails, and the parts are checked one by one.
        let end = good.len() - 4;
        let mut damaged = 0;
        for at in HEADER..end {
            for v in [0x00, 0xff, 0x41, 0x80, 0xc0] {
                let mut b = good.clone();
                b[at] = v;
                let Ok(f) = frame(&b) else { continue };
                let fresh = Reachable::new(f.version).check_from(&b, f.root);
                let late = Reachable::new(f.version);
                late.parts
                    .store(WHOLE_AFTER, std::sync::atomic::Ordering::Relaxed);
                if !fresh {
                    damaged += 1;
                    assert!(!late.check_from(&b, f.root), "byte {at} = {v:#x}");
                }
            }
        }
        assert!(damaged > 0, "no damage failed: the test tests nothing");
    }

    #[test]
    fn refuses_what_fst_would_panic_on() {
        let good = map(&[
            ("niamey", 1 << 40),
            ("niger", 7),
            ("nigeria", 3),
            ("paris", 9),
        ]);
        let end = good.len() - 4;
        let root = end - 17;
        let mut root_far = good.clone();
        root_far[end - 8..end].copy_from_slice(&(u64::MAX / 2).to_le_bytes());
        let mut root_one = good.clone();
        root_one[end - 8..end].copy_from_slice(&1u64.to_le_bytes());
        let mut pack_zero = good.clone();
        // The root has several transitions: state byte, count, then pack sizes.
        pack_zero[root - 1] = 0;
        let mut version = good.clone();
        version[0] = 9;
        for (what, bytes) in [
            ("root past the end", root_far),
            ("root in the header", root_one),
            ("zero pack sizes", pack_zero),
            ("unknown version", version),
            ("too short", good[..20].to_vec()),
        ] {
            assert!(check(&bytes).is_err(), "{what}");
        }
        // Every single-byte change to the nodes either fails the check or leaves an
        // automaton that every key can be looked up in.
        for at in HEADER..end {
            for v in [0x00, 0xff, 0x41, 0x80, 0xc0] {
                let mut b = good.clone();
                b[at] = v;
                if check(&b).is_ok() {
                    let m = fst::Map::new(b).expect("fst agrees");
                    for k in ["niamey", "niger", "nigeria", "paris", "n", "x"] {
                        let _ = m.contains_key(k);
                    }
                }
            }
        }
    }
}
