//! A request classifier whose rules are compiled once, at pre-initialization: init builds a regex set of
//! generated log-line and user-agent rules (each with Unicode classes, so the compiled programs are large)
//! and a keyword index over the same rules, then classifies a few requests so the matcher's caches are warm.
//! `query(seed)` classifies one generated request and returns a checksum of what matched, so a caller can
//! compare a pre-initialized module with one that ran init itself.

use regex::{RegexSet, RegexSetBuilder};
use std::collections::{BTreeMap, HashMap};

/// How many rules init compiles; sized so the heap ends up at tens of MiB.
const RULES: usize = 1400;
/// One rule in this many uses Unicode classes.
const UNICODE_EVERY: usize = 50;

const WORDS: [&str; 24] = [
    "alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet", "kilo", "lima",
    "mike", "november", "oscar", "papa", "quebec", "romeo", "sierra", "tango", "uniform", "victor", "whiskey",
    "xray",
];

struct Classifier {
    set: RegexSet,
    /// keyword -> the rules that mention it, for the cheap pre-filter a real classifier would use.
    by_keyword: HashMap<String, Vec<u32>>,
    /// rule id -> its severity and label.
    labels: BTreeMap<u32, (u8, String)>,
}

static mut CLASSIFIER: Option<Classifier> = None;

/// A small deterministic generator (xorshift), so rules and requests are the same in every build and run.
struct Rng(u32);
impl Rng {
    fn next(&mut self) -> u32 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 17;
        self.0 ^= self.0 << 5;
        self.0
    }
    fn word(&mut self) -> &'static str {
        WORDS[(self.next() % WORDS.len() as u32) as usize]
    }
}

fn rule(i: usize) -> String {
    let mut rng = Rng(0x9e37_79b9 ^ (i as u32).wrapping_mul(2_654_435_761));
    let (a, b) = (rng.word(), rng.word());
    let n = 2 + rng.next() % 5;
    // Most rules are ASCII-only ((?-u)); one in UNICODE_EVERY keeps Unicode classes, whose compiled
    // UTF-8 automata are what make a regex program large.
    let ascii = if i % UNICODE_EVERY == 0 { "" } else { "(?-u)" };
    match i % 4 {
        0 => format!(r"{ascii}(?i)\b{a}[\w-]{{{n},}}\s+(\d{{1,3}}\.){{3}}\d{{1,3}}\s+\w*{b}\b"),
        1 => format!(r"{ascii}(?i)^\w+/[\d.]+ \({a}[\w ;.]*\b{b}\w{{0,{n}}}\)"),
        2 => format!(r"{ascii}\b{a}=(\w+)&{b}=[[:alnum:]]{{{n},}}"),
        _ => format!(r"{ascii}(?i)(get|post|put) /{a}/\w+/{b}(\.\w{{2,{n}}})?\s+http/1\.[01]"),
    }
}

fn request(seed: u32) -> String {
    let mut rng = Rng(seed.wrapping_mul(747_796_405).wrapping_add(2_891_336_453) | 1);
    let (a, b, c) = (rng.word(), rng.word(), rng.word());
    let n = rng.next();
    match seed % 4 {
        0 => format!("{a}-{c}x{n} 10.{}.{}.{} pre{b}", n % 256, (n >> 8) % 256, (n >> 16) % 256),
        1 => format!("Mozilla/5.0 ({a}; Linux; {b}{}) {c}", n % 1000),
        2 => format!("?{a}={c}{n}&{b}=Ünïcödé{n}"),
        _ => format!("GET /{a}/{c}/{b}.html HTTP/1.1"),
    }
}

fn build() -> Classifier {
    let patterns: Vec<String> = (0..RULES).map(rule).collect();
    let set = RegexSetBuilder::new(&patterns)
        .size_limit(1 << 30)
        .dfa_size_limit(8 << 20)
        .build()
        .expect("the generated rules are valid regexes");
    let mut by_keyword: HashMap<String, Vec<u32>> = HashMap::new();
    let mut labels = BTreeMap::new();
    for (i, p) in patterns.iter().enumerate() {
        for w in WORDS.iter().filter(|w| p.contains(*w)) {
            by_keyword.entry(w.to_string()).or_default().push(i as u32);
        }
        labels.insert(i as u32, ((i % 5) as u8, format!("rule-{i}: {p}")));
    }
    Classifier { set, by_keyword, labels }
}

fn classify(c: &Classifier, text: &str) -> u32 {
    let mut sum = 0x811c_9dc5u32;
    for id in c.set.matches(text).iter() {
        let (severity, label) = &c.labels[&(id as u32)];
        sum = (sum ^ id as u32 ^ (*severity as u32) << 16 ^ label.len() as u32).wrapping_mul(16_777_619);
    }
    let hinted: usize = WORDS.iter().filter(|w| text.contains(*w)).map(|w| c.by_keyword.get(*w).map_or(0, Vec::len)).sum();
    sum ^ hinted as u32
}

#[export_name = "wizer.initialize"]
pub extern "C" fn init() {
    let c = build();
    // Warm the lazy DFA's caches with a spread of requests, as a server would before taking traffic.
    for seed in 0..64 {
        classify(&c, &request(seed));
    }
    unsafe { CLASSIFIER = Some(c) }
}

/// The checksum of the rules matching request `seed`; 0xffffffff before init.
#[no_mangle]
pub extern "C" fn query(seed: u32) -> u32 {
    match unsafe { CLASSIFIER.as_ref() } {
        Some(c) => classify(c, &request(seed)),
        None => u32::MAX,
    }
}
