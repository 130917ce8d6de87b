//! A page's element tree, built in time linear in the page's size whatever its markup.
//!
//! Tokens come from html5ever's tokenizer, the WHATWG tokenizer browsers implement: it
//! reads character references, attributes, comments and raw-text elements (`<script>`,
//! `<style>`, `<title>`…) exactly as a browser does. The tree is built here, not by
//! html5ever's tree builder, because that one searches its stack of open elements from
//! the top for every start and end tag ("is there a `<p>` in button scope?"), so a page
//! of N nested elements costs N² steps: measured, 30,000 nested `<div>`s took 3.3 s and
//! 100,000 take about 40 s (dom_smoothie, a Readability port on the same parser, took
//! 28 s for 10,000). [`Builder`] answers those questions in constant time from indices
//! kept per stack entry and per tag name, and never nests the tree deeper than
//! [`MAX_DEPTH`]: deeper elements become siblings, as Blink does past 512.
//!
//! It follows the HTML rules that decide where text falls — void elements, raw-text
//! elements, the implied ends of `<p>`, `<li>`, `<dd>`/`<dt>`, table rows and cells,
//! options and headings, end tags that only close what is in scope — and leaves out
//! those that matter only for rendering or scripts: foster parenting of text misplaced
//! in tables, the re-nesting of misnested formatting elements, and the placement of
//! `<head>` and `<body>` (their tags are ignored; their content stays in order).
//!
//! html5ever's tokenizer also checks each new attribute against every earlier one of
//! its tag, so one tag with N attributes costs N² (measured: one tag with 100,000
//! attributes, 690 KB, took 4 s). [`cap_attributes`] removes the attributes after the
//! [`MAX_ATTRIBUTES`]th of each tag before the tokenizer sees them, following the
//! tokenizer's own states to know where tags are.

use std::borrow::Cow;
use std::cell::RefCell;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, Tag, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};
use html5ever::{LocalName, TokenizerResult};
use rustc_hash::FxHashMap;

/// Deepest an element is nested in the tree; deeper ones are made siblings of the
/// element at this depth (their text stays in order).
pub const MAX_DEPTH: usize = 256;

/// Most elements a page's tree holds; tags after that are ignored and their text joins
/// the element open at that point. A news page has a few thousand.
pub const MAX_ELEMENTS: usize = 2_000_000;

/// Most attributes kept per tag. Attributes the readers look at come first in any page
/// seen; tags with more than a few dozen exist only to slow a parser down.
pub const MAX_ATTRIBUTES: usize = 64;

/// A node's index in [`Dom::nodes`].
pub type NodeId = u32;

/// "No node" in a link.
const NONE: NodeId = NodeId::MAX;

/// The root node: the document, parent of everything.
pub const ROOT: NodeId = 0;

/// One node of the tree.
#[derive(Debug)]
pub struct Node {
    /// The parent, [`NONE`] for the root.
    pub parent: NodeId,
    first_child: NodeId,
    last_child: NodeId,
    next_sibling: NodeId,
    /// What the node is.
    pub data: Data,
}

/// What a node is.
#[derive(Debug)]
pub enum Data {
    /// The document.
    Root,
    /// An element.
    Element(Element),
    /// Text, as the tokenizer gave it (character references decoded, white space kept).
    Text(String),
}

/// An element: its tag name (lower case) and the attributes the readers use.
#[derive(Debug)]
pub struct Element {
    /// The tag name, lower case.
    pub name: LocalName,
    attrs: Vec<(LocalName, String)>,
}

impl Element {
    /// The value of attribute `name` (lower case), if present.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| &**n == name)
            .map(|(_, v)| v.as_str())
    }

    /// True if the element is named `name`.
    pub fn is(&self, name: &str) -> bool {
        &*self.name == name
    }
}

/// The attributes kept: those the metadata and article readers look at. Others (`src`,
/// `data-*`, event handlers…) would only take memory.
fn kept_attribute(name: &str) -> bool {
    matches!(
        name,
        "id" | "class"
            | "role"
            | "itemprop"
            | "itemtype"
            | "property"
            | "name"
            | "content"
            | "rel"
            | "href"
            | "datetime"
            | "pubdate"
            | "type"
            | "hidden"
            | "aria-hidden"
            | "style"
    )
}

/// A parsed page.
#[derive(Debug)]
pub struct Dom {
    nodes: Vec<Node>,
}

impl Dom {
    /// Parses `html` (a whole page or a fragment). Never fails: any text is some tree.
    pub fn parse(html: &str) -> Dom {
        let html = cap_attributes(html);
        let tokenizer = Tokenizer::new(Builder::default(), TokenizerOpts::default());
        let queue = BufferQueue::default();
        // Fed in pieces: a tendril holds at most 4 GiB, and smaller pieces are cheaper
        // to copy.
        let mut rest: &str = &html;
        while !rest.is_empty() {
            let mut cut = rest.len().min(1 << 20);
            while !rest.is_char_boundary(cut) {
                cut += 1;
            }
            let (piece, tail) = rest.split_at(cut);
            queue.push_back(StrTendril::from_slice(piece));
            rest = tail;
        }
        // The builder never asks for a script to run, so the tokenizer runs to the end.
        while let TokenizerResult::Script(()) = tokenizer.feed(&queue) {}
        tokenizer.end();
        let state = tokenizer.sink.state.into_inner();
        debug_assert!(state.most_attributes <= MAX_ATTRIBUTES);
        Dom { nodes: state.nodes }
    }

    /// Every node, in document order (a node's index is below its descendants').
    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }

    /// The node `id`.
    pub fn node(&self, id: NodeId) -> Option<&Node> {
        self.nodes.get(id as usize)
    }

    /// The element `id`, if it is one.
    pub fn element(&self, id: NodeId) -> Option<&Element> {
        match self.node(id).map(|n| &n.data) {
            Some(Data::Element(e)) => Some(e),
            _ => None,
        }
    }

    /// The children of `id`, in order.
    pub fn children(&self, id: NodeId) -> Children<'_> {
        Children {
            dom: self,
            next: self.node(id).map_or(NONE, |n| n.first_child),
        }
    }

    /// The parent of `id` (none for the root).
    pub fn parent(&self, id: NodeId) -> Option<NodeId> {
        self.node(id).map(|n| n.parent).filter(|&p| p != NONE)
    }

    /// `id` and its descendants, in document order (an explicit walk: no recursion).
    pub fn descendants(&self, id: NodeId) -> Descendants<'_> {
        Descendants {
            dom: self,
            root: id,
            next: if self.node(id).is_some() { id } else { NONE },
        }
    }

    /// Visits `root` and its descendants in document order without recursion: `enter`
    /// is called on each node and says whether to visit its children; `leave` is called
    /// after the children of each node entered that way.
    pub fn walk(
        &self,
        root: NodeId,
        mut enter: impl FnMut(NodeId, &Node) -> bool,
        mut leave: impl FnMut(NodeId, &Node),
    ) {
        let mut id = root;
        'nodes: loop {
            let Some(node) = self.node(id) else { return };
            if enter(id, node) {
                if node.first_child != NONE {
                    id = node.first_child;
                    continue;
                }
                leave(id, node);
            }
            // On to the next sibling, leaving each parent on the way up.
            let mut at = id;
            loop {
                if at == root {
                    return;
                }
                let Some(n) = self.node(at) else { return };
                if n.next_sibling != NONE {
                    id = n.next_sibling;
                    continue 'nodes;
                }
                at = n.parent;
                let Some(parent) = self.node(at) else { return };
                leave(at, parent);
            }
        }
    }

    /// The text under `id` as [`raw_text`](Dom::raw_text) gives it, or `None` if that
    /// means visiting more than `max_nodes` nodes.
    pub fn text_within(&self, id: NodeId, max_nodes: usize) -> Option<String> {
        let mut out = String::new();
        for (n, d) in self.descendants(id).enumerate() {
            if n >= max_nodes {
                return None;
            }
            if let Some(Node {
                data: Data::Text(t),
                ..
            }) = self.node(d)
            {
                out.push_str(t);
            }
        }
        Some(out)
    }

    /// The text under `id`, white space as written.
    pub fn raw_text(&self, id: NodeId) -> String {
        let mut out = String::new();
        for d in self.descendants(id) {
            if let Some(Node {
                data: Data::Text(t),
                ..
            }) = self.node(d)
            {
                out.push_str(t);
            }
        }
        out
    }
}

/// The children of a node.
pub struct Children<'a> {
    dom: &'a Dom,
    next: NodeId,
}

impl Iterator for Children<'_> {
    type Item = NodeId;
    fn next(&mut self) -> Option<NodeId> {
        let id = self.next;
        let node = self.dom.node(id)?;
        self.next = node.next_sibling;
        Some(id)
    }
}

/// A node and its descendants in document order.
pub struct Descendants<'a> {
    dom: &'a Dom,
    root: NodeId,
    next: NodeId,
}

impl Iterator for Descendants<'_> {
    type Item = NodeId;
    fn next(&mut self) -> Option<NodeId> {
        let id = self.next;
        let node = self.dom.node(id)?;
        self.next = if node.first_child != NONE {
            node.first_child
        } else {
            // Up until a node with a next sibling, stopping at the root.
            let mut at = id;
            loop {
                if at == self.root {
                    break NONE;
                }
                let Some(n) = self.dom.node(at) else {
                    break NONE;
                };
                if n.next_sibling != NONE {
                    break n.next_sibling;
                }
                at = n.parent;
            }
        };
        Some(id)
    }
}

/// Elements without content: never open.
fn is_void(name: &str) -> bool {
    matches!(
        name,
        "area"
            | "base"
            | "br"
            | "col"
            | "embed"
            | "hr"
            | "img"
            | "image"
            | "input"
            | "keygen"
            | "link"
            | "meta"
            | "param"
            | "source"
            | "track"
            | "wbr"
            | "basefont"
            | "bgsound"
            | "frame"
    )
}

/// How the tokenizer reads an element's content when its start tag says so: raw text up
/// to its end tag, or to the end of the page. Always, whatever the context (browsers do
/// not in SVG and MathML): [`cap_attributes`] follows this same rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Raw {
    /// Text, character references decoded (`<title>`, `<textarea>`).
    Rcdata,
    /// Text as written (`<script>`, `<style>`…). Scripts are read as raw text, not
    /// script data: the two differ only for `<!--` … `<script>` inside a script.
    Rawtext,
    /// Everything to the end of the page (`<plaintext>`).
    Plaintext,
}

fn raw_kind(name: &[u8]) -> Option<Raw> {
    match name {
        b"title" | b"textarea" => Some(Raw::Rcdata),
        b"script" | b"style" | b"xmp" | b"iframe" | b"noembed" | b"noframes" | b"noscript" => {
            Some(Raw::Rawtext)
        }
        b"plaintext" => Some(Raw::Plaintext),
        _ => None,
    }
}

/// Start tags that close an open `<p>` (in button scope).
fn closes_p(name: &str) -> bool {
    matches!(
        name,
        "address"
            | "article"
            | "aside"
            | "blockquote"
            | "center"
            | "details"
            | "dialog"
            | "dir"
            | "div"
            | "dl"
            | "fieldset"
            | "figcaption"
            | "figure"
            | "footer"
            | "form"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "header"
            | "hgroup"
            | "hr"
            | "main"
            | "menu"
            | "nav"
            | "ol"
            | "p"
            | "pre"
            | "listing"
            | "section"
            | "summary"
            | "table"
            | "ul"
            | "xmp"
            | "plaintext"
            | "search"
            | "li"
            | "dd"
            | "dt"
    )
}

/// Elements that bound the default scope (and button scope): an end tag or an implied
/// end does not reach past them.
fn is_scope_barrier(name: &str) -> bool {
    matches!(
        name,
        "applet"
            | "caption"
            | "table"
            | "td"
            | "th"
            | "marquee"
            | "object"
            | "template"
            | "button"
            | "svg"
            | "math"
    )
}

fn is_heading(name: &str) -> bool {
    matches!(name, "h1" | "h2" | "h3" | "h4" | "h5" | "h6")
}

/// The scopes searched for an open element.
#[derive(Clone, Copy)]
enum Scope {
    /// Bounded by [`is_scope_barrier`] elements.
    Default,
    /// Also bounded by lists (`<li>`).
    List,
    /// Also bounded by definition lists (`<dd>`, `<dt>`).
    Definition,
    /// Bounded only by tables (rows, cells, row groups).
    Table,
}

/// One element on the stack of open elements, with the position (in the stack) of the
/// nearest element at or below it that bounds each scope.
#[derive(Debug)]
struct Open {
    node: NodeId,
    name: LocalName,
    depth: usize,
    scope: Option<usize>,
    list_scope: Option<usize>,
    definition_scope: Option<usize>,
    table_scope: Option<usize>,
}

#[derive(Debug)]
struct State {
    nodes: Vec<Node>,
    stack: Vec<Open>,
    /// For each tag name, the stack positions of the open elements so named, lowest first.
    open: FxHashMap<LocalName, Vec<usize>>,
    elements: usize,
    /// Inside a raw-text element started after [`MAX_ELEMENTS`]: its text is dropped
    /// (it is a script's or a style's, not the page's).
    dropping_raw: bool,
    /// Most attributes a tag had (to check [`cap_attributes`] in debug builds).
    most_attributes: usize,
}

impl Default for State {
    fn default() -> State {
        State {
            nodes: vec![Node {
                parent: NONE,
                first_child: NONE,
                last_child: NONE,
                next_sibling: NONE,
                data: Data::Root,
            }],
            stack: Vec::new(),
            open: FxHashMap::default(),
            elements: 0,
            dropping_raw: false,
            most_attributes: 0,
        }
    }
}

impl State {
    fn current(&self) -> (NodeId, usize) {
        self.stack.last().map_or((ROOT, 0), |o| (o.node, o.depth))
    }

    fn append(&mut self, parent: NodeId, data: Data) -> NodeId {
        let id = NodeId::try_from(self.nodes.len()).unwrap_or(NONE);
        if id == NONE {
            return NONE;
        }
        self.nodes.push(Node {
            parent,
            first_child: NONE,
            last_child: NONE,
            next_sibling: NONE,
            data,
        });
        if let Some(p) = self.nodes.get_mut(parent as usize) {
            let last = p.last_child;
            p.last_child = id;
            if last == NONE {
                p.first_child = id;
            } else if let Some(l) = self.nodes.get_mut(last as usize) {
                l.next_sibling = id;
            }
        }
        id
    }

    fn text(&mut self, text: &str) {
        if self.dropping_raw {
            return;
        }
        let (parent, _) = self.current();
        let last = self
            .nodes
            .get(parent as usize)
            .map_or(NONE, |p| p.last_child);
        if let Some(Node {
            data: Data::Text(t),
            ..
        }) = self.nodes.get_mut(last as usize)
        {
            t.push_str(text);
        } else {
            self.append(parent, Data::Text(text.to_string()));
        }
    }

    /// The stack position of the nearest open element named `name` in `scope`.
    fn in_scope(&self, name: &str, scope: Scope) -> Option<usize> {
        let i = *self.open.get(&LocalName::from(name))?.last()?;
        let top = self.stack.last()?;
        let floor = match scope {
            Scope::Default => top.scope,
            Scope::List => top.list_scope,
            Scope::Definition => top.definition_scope,
            Scope::Table => top.table_scope,
        };
        // At the floor itself only when the element is the barrier (`</table>`).
        floor.is_none_or(|f| i >= f).then_some(i)
    }

    /// The nearest of several names in scope.
    fn any_in_scope(&self, names: &[&str], scope: Scope) -> Option<usize> {
        names.iter().filter_map(|n| self.in_scope(n, scope)).max()
    }

    /// Closes the element at stack position `i` and everything opened after it.
    fn pop_to(&mut self, i: usize) {
        while self.stack.len() > i {
            if let Some(open) = self.stack.pop()
                && let Some(positions) = self.open.get_mut(&open.name)
            {
                positions.pop();
            }
        }
    }

    fn top_is(&self, test: impl Fn(&str) -> bool) -> bool {
        self.stack.last().is_some_and(|o| test(&o.name))
    }

    /// The ends a start tag `name` implies.
    fn close_implied(&mut self, name: &str) {
        let close = match name {
            "li" => self.in_scope("li", Scope::List),
            "dd" | "dt" => self.any_in_scope(&["dd", "dt"], Scope::Definition),
            "tr" => self.in_scope("tr", Scope::Table),
            "td" | "th" => self.any_in_scope(&["td", "th"], Scope::Table),
            "thead" | "tbody" | "tfoot" => {
                self.any_in_scope(&["thead", "tbody", "tfoot"], Scope::Table)
            }
            // Nested links, buttons and forms are not allowed: the new one ends the old.
            "a" | "button" | "nobr" | "form" => self.in_scope(name, Scope::Default),
            _ => None,
        };
        if let Some(i) = close {
            self.pop_to(i);
        }
        if closes_p(name)
            && let Some(i) = self.in_scope("p", Scope::Default)
        {
            self.pop_to(i);
        }
        if is_heading(name) && self.top_is(is_heading) {
            self.pop_to(self.stack.len() - 1);
        }
        if name == "option" || name == "optgroup" {
            if self.top_is(|n| n == "option") {
                self.pop_to(self.stack.len() - 1);
            }
            if name == "optgroup" && self.top_is(|n| n == "optgroup") {
                self.pop_to(self.stack.len() - 1);
            }
        }
    }

    /// Adds an element as the current node's last child (or, past [`MAX_DEPTH`], as its
    /// next sibling) and, unless `void`, opens it.
    fn insert(&mut self, name: LocalName, attrs: Vec<(LocalName, String)>, void: bool) {
        let (current, depth) = self.current();
        let (parent, depth) = if depth >= MAX_DEPTH {
            let parent = self.nodes.get(current as usize).map_or(ROOT, |n| n.parent);
            (parent, depth)
        } else {
            (current, depth + 1)
        };
        let node = self.append(
            parent,
            Data::Element(Element {
                name: name.clone(),
                attrs,
            }),
        );
        if node == NONE {
            return;
        }
        self.elements += 1;
        if void {
            return;
        }
        let at = self.stack.len();
        let below = self.stack.last();
        let barrier = is_scope_barrier(&name);
        let floor = |own: bool, inherited: Option<Option<usize>>| {
            if own { Some(at) } else { inherited.flatten() }
        };
        let open = Open {
            scope: floor(barrier, below.map(|b| b.scope)),
            list_scope: floor(
                barrier || matches!(&*name, "ul" | "ol"),
                below.map(|b| b.list_scope),
            ),
            definition_scope: floor(barrier || &*name == "dl", below.map(|b| b.definition_scope)),
            table_scope: floor(
                matches!(&*name, "table" | "template"),
                below.map(|b| b.table_scope),
            ),
            node,
            name: name.clone(),
            depth,
        };
        self.stack.push(open);
        self.open.entry(name).or_default().push(at);
    }

    fn start_tag(&mut self, tag: Tag) -> TokenSinkResult<()> {
        self.most_attributes = self.most_attributes.max(tag.attrs.len());
        let raw = raw_kind(tag.name.as_bytes());
        let result = match raw {
            None => TokenSinkResult::Continue,
            Some(Raw::Rcdata) => TokenSinkResult::RawData(RawKind::Rcdata),
            Some(Raw::Rawtext) => TokenSinkResult::RawData(RawKind::Rawtext),
            Some(Raw::Plaintext) => TokenSinkResult::Plaintext,
        };
        if matches!(&*tag.name, "html" | "head" | "body") {
            return result;
        }
        if self.elements >= MAX_ELEMENTS {
            if raw.is_some() {
                self.dropping_raw = true;
            }
            return result;
        }
        self.close_implied(&tag.name);
        let foreign = ["svg", "math"].iter().any(|n| {
            self.open
                .get(&LocalName::from(*n))
                .is_some_and(|v| !v.is_empty())
        });
        let void = raw.is_none() && (is_void(&tag.name) || (tag.self_closing && foreign));
        let attrs = tag
            .attrs
            .into_iter()
            .filter(|a| kept_attribute(&a.name.local))
            .map(|a| (a.name.local, String::from(a.value)))
            .collect();
        self.insert(tag.name, attrs, void);
        result
    }

    fn end_tag(&mut self, tag: Tag) {
        self.most_attributes = self.most_attributes.max(tag.attrs.len());
        let name: &str = &tag.name;
        if self.dropping_raw {
            if raw_kind(name.as_bytes()).is_some() {
                self.dropping_raw = false;
            }
            return;
        }
        let open = match name {
            "html" | "head" | "body" => return,
            // `</br>` is read as `<br>`, and a `</p>` without a `<p>` as `<p></p>`.
            "br" => {
                self.insert(tag.name, Vec::new(), true);
                return;
            }
            "p" => match self.in_scope("p", Scope::Default) {
                Some(i) => Some(i),
                None => {
                    self.insert(tag.name, Vec::new(), true);
                    return;
                }
            },
            "li" => self.in_scope(name, Scope::List),
            "dd" | "dt" => self.in_scope(name, Scope::Definition),
            "table" | "tbody" | "thead" | "tfoot" | "tr" | "td" | "th" | "caption" | "colgroup" => {
                self.in_scope(name, Scope::Table)
            }
            _ if is_heading(name) => {
                self.any_in_scope(&["h1", "h2", "h3", "h4", "h5", "h6"], Scope::Default)
            }
            _ => self.in_scope(name, Scope::Default),
        };
        if let Some(i) = open {
            self.pop_to(i);
        }
    }
}

/// The tree builder: a token sink (html5ever calls it through a shared reference).
#[derive(Debug, Default)]
struct Builder {
    state: RefCell<State>,
}

impl TokenSink for Builder {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let mut state = self.state.borrow_mut();
        match token {
            Token::TagToken(tag) => match tag.kind {
                TagKind::StartTag => return state.start_tag(tag),
                TagKind::EndTag => state.end_tag(tag),
            },
            Token::CharacterTokens(text) => state.text(&text),
            Token::NullCharacterToken
            | Token::CommentToken(_)
            | Token::DoctypeToken(_)
            | Token::EOFToken
            | Token::ParseError(_) => {}
        }
        TokenSinkResult::Continue
    }
}

/// `html` with every tag's attributes after the [`MAX_ATTRIBUTES`]th removed (the tag
/// then ends after its last kept attribute), borrowed when no tag has that many.
///
/// To know where tags are, it runs the tokenizer's state machine (WHATWG HTML §13.2.5)
/// on the bytes: tags and their attributes, comments, doctypes and bogus comments, and
/// raw-text elements by the rule [`Builder`] gives the tokenizer ([`raw_kind`]). All its
/// delimiters are ASCII, so bytes do for characters, and a multi-byte character takes the
/// same transitions as its first byte. CDATA sections are read as bogus comments, as the
/// tokenizer does when the builder says the current node is HTML (it always does).
pub fn cap_attributes(html: &str) -> Cow<'_, str> {
    let bytes = html.as_bytes();
    let mut m = Mirror {
        bytes,
        state: S::Data,
        end_tag: false,
        name: Vec::new(),
        attributes: 0,
        dropping: false,
        raw_name: Vec::new(),
        out: Vec::new(),
        copied: 0,
        changed: false,
    };
    let mut i = 0usize;
    while i < bytes.len() {
        i = m.step(i);
    }
    if !m.changed {
        return Cow::Borrowed(html);
    }
    if !m.dropping {
        m.out
            .extend_from_slice(bytes.get(m.copied..).unwrap_or_default());
    }
    // Cuts are made before an attribute's first character and before a `>`: on
    // character boundaries, so this is never lossy.
    Cow::Owned(String::from_utf8_lossy(&m.out).into_owned())
}

/// The tokenizer states [`cap_attributes`] follows (the character-reference states
/// change nothing it needs, and script data is read as raw text, see [`Raw`]).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum S {
    Data,
    TagOpen,
    EndTagOpen,
    TagName,
    BeforeAttrName,
    AttrName,
    AfterAttrName,
    BeforeAttrValue,
    ValueDouble,
    ValueSingle,
    ValueUnquoted,
    AfterValueQuoted,
    SelfClosing,
    BogusComment,
    CommentStart,
    CommentStartDash,
    Comment,
    CommentLt,
    CommentLtBang,
    CommentLtBangDash,
    CommentLtBangDashDash,
    CommentEndDash,
    CommentEnd,
    CommentEndBang,
    Doctype,
    Raw,
    RawLt,
    RawEndTagOpen,
    RawEndTagName,
    Plaintext,
}

/// The tokenizer's state as [`cap_attributes`] follows it, and what it has written.
struct Mirror<'a> {
    bytes: &'a [u8],
    state: S,
    /// The current tag: an end tag?, its name (enough of it to tell raw-text elements),
    /// attributes begun, and whether its bytes are being dropped.
    end_tag: bool,
    name: Vec<u8>,
    attributes: usize,
    dropping: bool,
    /// The raw-text element being read.
    raw_name: Vec<u8>,
    /// The output so far: `bytes[..copied]` minus what was dropped.
    out: Vec<u8>,
    copied: usize,
    changed: bool,
}

/// HTML white space (CR included: the tokenizer reads it as LF).
fn ws(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | b'\x0C' | b'\r' | b' ')
}

/// Longest tag name kept: longer than any raw-text element's.
const NAME_KEPT: usize = 16;

impl Mirror<'_> {
    /// A new attribute begins at `i`: past the cap, its bytes and the rest of the tag's
    /// (but the closing `>`) are dropped.
    fn attribute(&mut self, i: usize) {
        self.attributes += 1;
        if self.attributes > MAX_ATTRIBUTES && !self.dropping {
            self.out
                .extend_from_slice(self.bytes.get(self.copied..i).unwrap_or_default());
            self.dropping = true;
            self.changed = true;
        }
        self.state = S::AttrName;
    }

    /// The tag ends at `i` (its `>`, kept).
    fn emit(&mut self, i: usize) {
        if self.dropping {
            self.copied = i;
            self.dropping = false;
        }
        self.state = S::Data;
        if !self.end_tag {
            match raw_kind(&self.name) {
                Some(Raw::Plaintext) => self.state = S::Plaintext,
                Some(_) => {
                    self.raw_name.clone_from(&self.name);
                    self.state = S::Raw;
                }
                None => {}
            }
        }
    }

    fn new_tag(&mut self, end: bool, first: u8) {
        self.end_tag = end;
        self.name.clear();
        self.name.push(first.to_ascii_lowercase());
        self.attributes = 0;
    }

    fn push_name(&mut self, b: u8) {
        if self.name.len() <= NAME_KEPT {
            self.name.push(b.to_ascii_lowercase());
        }
    }

    /// Reads the byte at `i`; returns where to read next (`i` itself to reconsume it).
    fn step(&mut self, i: usize) -> usize {
        let bytes = self.bytes;
        let Some(&b) = bytes.get(i) else {
            return bytes.len();
        };
        let rest = bytes.get(i..).unwrap_or_default();
        let after = |found: Option<usize>| found.map_or(bytes.len(), |at| i + at + 1);
        let mut next = i + 1;
        match self.state {
            S::Data => {
                next = after(memchr::memchr(b'<', rest));
                self.state = S::TagOpen;
            }
            S::TagOpen => match b {
                b'!' => {
                    let decl = bytes.get(next..).unwrap_or_default();
                    if decl.starts_with(b"--") {
                        next += 2;
                        self.state = S::CommentStart;
                    } else if decl
                        .get(..7)
                        .is_some_and(|d| d.eq_ignore_ascii_case(b"doctype"))
                    {
                        next += 7;
                        self.state = S::Doctype;
                    } else {
                        self.state = S::BogusComment;
                    }
                }
                b'/' => self.state = S::EndTagOpen,
                b'?' => self.state = S::BogusComment,
                _ if b.is_ascii_alphabetic() => {
                    self.new_tag(false, b);
                    self.state = S::TagName;
                }
                _ => {
                    self.state = S::Data;
                    next = i;
                }
            },
            S::EndTagOpen => match b {
                b'>' => self.state = S::Data,
                _ if b.is_ascii_alphabetic() => {
                    self.new_tag(true, b);
                    self.state = S::TagName;
                }
                _ => {
                    self.state = S::BogusComment;
                    next = i;
                }
            },
            S::TagName => match b {
                _ if ws(b) => self.state = S::BeforeAttrName,
                b'/' => self.state = S::SelfClosing,
                b'>' => self.emit(i),
                _ => self.push_name(b),
            },
            S::BeforeAttrName => match b {
                _ if ws(b) => {}
                b'/' => self.state = S::SelfClosing,
                b'>' => self.emit(i),
                _ => self.attribute(i),
            },
            S::AttrName => match b {
                _ if ws(b) => self.state = S::AfterAttrName,
                b'/' => self.state = S::SelfClosing,
                b'>' => self.emit(i),
                b'=' => self.state = S::BeforeAttrValue,
                _ => {}
            },
            S::AfterAttrName => match b {
                _ if ws(b) => {}
                b'/' => self.state = S::SelfClosing,
                b'=' => self.state = S::BeforeAttrValue,
                b'>' => self.emit(i),
                _ => self.attribute(i),
            },
            S::BeforeAttrValue => match b {
                _ if ws(b) => {}
                b'"' => self.state = S::ValueDouble,
                b'\'' => self.state = S::ValueSingle,
                b'>' => self.emit(i),
                _ => {
                    self.state = S::ValueUnquoted;
                    next = i;
                }
            },
            S::ValueDouble => {
                next = after(memchr::memchr(b'"', rest));
                self.state = S::AfterValueQuoted;
            }
            S::ValueSingle => {
                next = after(memchr::memchr(b'\'', rest));
                self.state = S::AfterValueQuoted;
            }
            S::ValueUnquoted => match b {
                _ if ws(b) => self.state = S::BeforeAttrName,
                b'>' => self.emit(i),
                _ => {}
            },
            S::AfterValueQuoted => match b {
                _ if ws(b) => self.state = S::BeforeAttrName,
                b'/' => self.state = S::SelfClosing,
                b'>' => self.emit(i),
                _ => {
                    self.state = S::BeforeAttrName;
                    next = i;
                }
            },
            S::SelfClosing => {
                if b == b'>' {
                    self.emit(i);
                } else {
                    self.state = S::BeforeAttrName;
                    next = i;
                }
            }
            // Every doctype state ends at `>`, quoted identifiers included.
            S::BogusComment | S::Doctype => {
                next = after(memchr::memchr(b'>', rest));
                self.state = S::Data;
            }
            S::CommentStart => match b {
                b'-' => self.state = S::CommentStartDash,
                b'>' => self.state = S::Data,
                _ => self.state = S::Comment,
            },
            S::CommentStartDash => match b {
                b'-' => self.state = S::CommentEnd,
                b'>' => self.state = S::Data,
                _ => self.state = S::Comment,
            },
            S::Comment => match b {
                b'<' => self.state = S::CommentLt,
                b'-' => self.state = S::CommentEndDash,
                _ => {}
            },
            S::CommentLt => match b {
                b'!' => self.state = S::CommentLtBang,
                b'<' => {}
                _ => {
                    self.state = S::Comment;
                    next = i;
                }
            },
            S::CommentLtBang => {
                if b == b'-' {
                    self.state = S::CommentLtBangDash;
                } else {
                    self.state = S::Comment;
                    next = i;
                }
            }
            S::CommentLtBangDash => {
                if b == b'-' {
                    self.state = S::CommentLtBangDashDash;
                } else {
                    self.state = S::CommentEndDash;
                    next = i;
                }
            }
            S::CommentLtBangDashDash => {
                self.state = S::CommentEnd;
                next = i;
            }
            // html5ever consumes the character after a single `-` (the standard
            // reconsumes it); followed as html5ever does it.
            S::CommentEndDash => match b {
                b'-' => self.state = S::CommentEnd,
                _ => self.state = S::Comment,
            },
            S::CommentEnd => match b {
                b'>' => self.state = S::Data,
                b'!' => self.state = S::CommentEndBang,
                b'-' => {}
                _ => {
                    self.state = S::Comment;
                    next = i;
                }
            },
            S::CommentEndBang => match b {
                b'-' => self.state = S::CommentEndDash,
                b'>' => self.state = S::Data,
                _ => self.state = S::Comment,
            },
            S::Raw => {
                next = after(memchr::memchr(b'<', rest));
                self.state = S::RawLt;
            }
            S::RawLt => {
                if b == b'/' {
                    self.state = S::RawEndTagOpen;
                } else {
                    self.state = S::Raw;
                    next = i;
                }
            }
            S::RawEndTagOpen => {
                if b.is_ascii_alphabetic() {
                    self.new_tag(true, b);
                    self.state = S::RawEndTagName;
                } else {
                    self.state = S::Raw;
                    next = i;
                }
            }
            S::RawEndTagName => {
                let appropriate = self.name == self.raw_name;
                match b {
                    _ if appropriate && ws(b) => self.state = S::BeforeAttrName,
                    b'/' if appropriate => self.state = S::SelfClosing,
                    b'>' if appropriate => self.emit(i),
                    // Letters continue the name; a name longer than any raw-text
                    // element's is never appropriate, and reads as text like it.
                    _ if b.is_ascii_alphabetic() => self.push_name(b),
                    _ => {
                        self.state = S::Raw;
                        next = i;
                    }
                }
            }
            S::Plaintext => next = bytes.len(),
        }
        next
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    fn names(dom: &Dom, parent: NodeId) -> Vec<String> {
        dom.children(parent)
            .map(|c| match &dom.node(c).expect("node").data {
                Data::Element(e) => e.name.to_string(),
                Data::Text(t) => format!("{t:?}"),
                Data::Root => "root".into(),
            })
            .collect()
    }

    /// The tree as nested s-expressions, for comparing shapes.
    fn shape(dom: &Dom, id: NodeId) -> String {
        let mut out = String::new();
        let mut stack = vec![(id, false)];
        while let Some((id, closing)) = stack.pop() {
            let Some(node) = dom.node(id) else { continue };
            match &node.data {
                Data::Text(t) => out.push_str(t.trim()),
                Data::Root | Data::Element(_) if closing => out.push(')'),
                Data::Root | Data::Element(_) => {
                    let name = dom.element(id).map_or("#", |e| &e.name);
                    out.push('(');
                    out.push_str(name);
                    stack.push((id, true));
                    let children: Vec<NodeId> = dom.children(id).collect();
                    for c in children.into_iter().rev() {
                        stack.push((c, false));
                    }
                    if dom.children(id).next().is_some() {
                        out.push(' ');
                    }
                }
            }
        }
        out
    }

    #[test]
    fn implied_ends_put_text_where_browsers_do() {
        let cases = [
            ("<p>a<p>b", "(# (p a)(p b))"),
            ("<p>a<div>b</div>c", "(# (p a)(div b)c)"),
            ("<ul><li>a<li>b</ul>", "(# (ul (li a)(li b)))"),
            (
                "<ul><li>a<ul><li>b</ul>c</ul>",
                "(# (ul (li a(ul (li b))c)))",
            ),
            ("<dl><dt>a<dd>b<dt>c</dl>", "(# (dl (dt a)(dd b)(dt c)))"),
            (
                "<table><tr><td>a<td>b<tr><td>c</table>",
                "(# (table (tr (td a)(td b))(tr (td c))))",
            ),
            ("<h1>a<h2>b</h2>", "(# (h1 a)(h2 b))"),
            ("<p>a</p></p>b", "(# (p a)(p)b)"),
            ("a<br>b</br>c", "(# a(br)b(br)c)"),
            ("<div><span>a</div>b", "(# (div (span a))b)"),
            ("<td><div>a</td>b", "(# (td (div a))b)"),
            (
                "<div><table><tr><td>a</div>b",
                "(# (div (table (tr (td ab)))))",
            ),
            ("<a>x<a>y", "(# (a x)(a y))"),
            (
                "<select><option>a<option>b</select>",
                "(# (select (option a)(option b)))",
            ),
            (
                "<html><head><title>T</title></head><body><p>x</body></html>",
                "(# (title T)(p x))",
            ),
            ("<div/>a", "(# (div a))"),
            ("<svg><path/>a</svg>", "(# (svg (path)a))"),
            ("<img src=x>a<hr>b", "(# (img)a(hr)b)"),
            (
                "<script>if (a<b) { x = '</p>' }</script>c",
                "(# (script if (a<b) { x = '</p>' })c)",
            ),
            ("<title>a <b>c</b></title>", "(# (title a <b>c</b>))"),
            ("<p>a &amp; b &eacute;", "(# (p a & b é))"),
        ];
        for (html, expected) in cases {
            let dom = Dom::parse(html);
            assert_eq!(shape(&dom, ROOT), expected, "{html}");
        }
        let dom = Dom::parse("<p class=x id=y onclick=z data-a=b>t");
        let p = dom.children(ROOT).next().expect("p");
        let e = dom.element(p).expect("element");
        assert_eq!(e.attr("class"), Some("x"));
        assert_eq!(e.attr("id"), Some("y"));
        assert_eq!(e.attr("onclick"), None);
        assert_eq!(names(&dom, p), vec!["\"t\"".to_string()]);
    }

    #[test]
    fn deep_nesting_is_linear_and_capped() {
        let n = 100_000;
        let html = format!(
            "<body>{}<p>Floods in Niamey.</p>{}<p>After.</p>",
            "<div>".repeat(n),
            "</div>".repeat(n)
        );
        let start = Instant::now();
        let dom = Dom::parse(&html);
        let elapsed = start.elapsed();
        // Linear work is a few hundred milliseconds even unoptimised; the quadratic
        // tree builder this replaces took about 40 s.
        assert!(elapsed.as_secs() < 20, "{elapsed:?}");
        let mut deepest = 0;
        for (id, node) in dom.nodes().iter().enumerate() {
            let mut depth = 0;
            let mut at = node.parent;
            while at != NONE {
                depth += 1;
                at = dom.node(at).map_or(NONE, |n| n.parent);
            }
            deepest = deepest.max(depth);
            if depth > MAX_DEPTH + 1 {
                panic!("node {id} at depth {depth}");
            }
        }
        assert!(deepest >= MAX_DEPTH);
        let text = dom.raw_text(ROOT);
        assert_eq!(text, "Floods in Niamey.After.");
        // The closing tags closed everything: "After." is at the top.
        let last = dom.children(ROOT).last().expect("last");
        assert!(dom.element(last).is_some_and(|e| e.is("p")));
        // Unclosed, and unclosed formatting elements, too.
        let html = "<b><i><span><font>x".repeat(n / 4);
        let dom = Dom::parse(&html);
        assert_eq!(dom.raw_text(ROOT).len(), n / 4);
    }

    #[test]
    fn attributes_past_the_cap_are_dropped_in_every_context() {
        let many: String = (0..20_000).map(|i| format!(" a{i}=\"{i}\"")).collect();
        let tag = format!("<p class=keep{many}>Text</p>");
        for wrapper in [
            tag.clone(),
            format!("<!-- c -->{tag}"),
            format!("<!--->{tag}"),
            format!("<!-- a --!>{tag}"),
            format!("<!DOCTYPE html PUBLIC \"a>{tag}"),
            format!("<script>if (a<b) x = '<p q=\"'</script>{tag}"),
            format!("<style>a > b {{}}</style>{tag}"),
            format!("<title>x</title >{tag}"),
            format!("<textarea></textareax></textarea>{tag}"),
            format!("<p title='a>b' x=\"y\"z>{tag}"),
            format!("<![CDATA[ x ]]>{tag}"),
            format!("<?php echo 1 ?>{tag}"),
            format!("</ p>{tag}"),
        ] {
            let start = Instant::now();
            let capped = cap_attributes(&wrapper);
            assert!(capped.len() < wrapper.len(), "{}", &wrapper[..60]);
            let dom = Dom::parse(&wrapper);
            assert!(start.elapsed().as_secs() < 10, "{}", &wrapper[..60]);
            assert!(dom.raw_text(ROOT).contains("Text"), "{}", &wrapper[..60]);
        }
        // Inside a raw-text element a tag is text, for the tokenizer and for the cap.
        let html = format!("<svg><style>{tag}</style></svg>");
        assert!(matches!(cap_attributes(&html), Cow::Borrowed(_)));
        let start = Instant::now();
        assert!(Dom::parse(&html).raw_text(ROOT).contains("a19999"));
        assert!(start.elapsed().as_secs() < 10);
        // A script end tag with attributes is capped too.
        let html = format!("<script>x</script{many}>Text");
        assert!(cap_attributes(&html).len() < 2000);
        // Pages without such tags come back as they are.
        let page = "<p class='a' id=\"b\" c d=e>x</p><!-- <a b c> --><script>'<a'</script>";
        assert!(matches!(cap_attributes(page), Cow::Borrowed(_)));
        // The first MAX_ATTRIBUTES are kept, and the tag's end.
        let attrs: String = (0..100).map(|i| format!(" a{i}")).collect();
        let html = format!("<p{attrs}>x");
        let capped = cap_attributes(&html);
        let kept: String = (0..MAX_ATTRIBUTES).map(|i| format!(" a{i}")).collect();
        assert_eq!(capped, format!("<p{kept} >x"));
    }
}
