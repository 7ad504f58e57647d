"""Lexical ranking lab for SciFact (replicates idx/tantivy analysis + BM25)."""
import gzip, json, math, unicodedata, os, pickle, sys
from collections import Counter, defaultdict
import numpy as np
import Stemmer

HERE = os.path.dirname(os.path.abspath(__file__))
D = os.environ.get('SCIFACT', os.path.join(HERE, '../../../shared/data/beir-scifact'))
# Cached indexes, the log and run files go here (not into the repository).
WORK = os.environ.get('SCIFACT_LAB', '/tmp/scifact-lab')
os.makedirs(WORK, exist_ok=True)
STOP = set("a an and are as at be but by for if in into is it no not of on or such that the their then "
           "there these they this to was will with".split())


def _fieldnorm_table():
    """tantivy's 256 field-length buckets, read from the tantivy sources cargo fetched."""
    import glob, re
    home = os.path.expanduser('~/.cargo/registry/src')
    for path in sorted(glob.glob(f'{home}/*/tantivy-0.27*/src/fieldnorm/code.rs')):
        text = open(path).read()
        body = text[text.index('FIELD_NORMS_TABLE: [u32; 256] = ['):]
        body = body[body.index('[', body.index('=')) + 1:body.index('];')]
        return np.array([int(x.replace('_', '')) for x in re.findall(r'\d[\d_]*', body)], dtype=np.int64)
    raise SystemExit('tantivy 0.27 sources not found: run cargo build first')


FN_TABLE = _fieldnorm_table()
_stem = Stemmer.Stemmer('english')
_porter = Stemmer.Stemmer('porter')
SNOWBALL_EN = set('''i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she her hers
herself it its itself they them their theirs themselves what which who whom this that these those am is are was were be
been being have has had having do does did doing would should could ought a an the and but if or because as until while
of at by for with about against between into through during before after above below to from up down in out on off over
under again further then once here there when where why how all any both each few more most other some such no nor not
only own same so than too very'''.split())
SNOWBALL_STEMMED = set(_stem.stemWords(list(SNOWBALL_EN)))
_fold_cache = {}


def fold(ch):
    r = _fold_cache.get(ch)
    if r is None:
        if ord(ch) < 128:
            r = ch
        else:
            dec = unicodedata.normalize('NFKD', ch)
            a = ''.join(c for c in dec if ord(c) < 128 and not unicodedata.combining(c))
            r = a if a else ch
        _fold_cache[ch] = r
    return r


def simple_tokens(text):
    out, cur = [], []
    for ch in text:
        if ch.isalnum():
            cur.append(ch)
        elif cur:
            out.append(''.join(cur)); cur = []
    if cur:
        out.append(''.join(cur))
    return out


def analyze(text, stop=True, stem=True):
    toks = []
    for t in simple_tokens(text):
        if len(t.encode('utf-8')) >= 40:
            continue
        t = t.lower()
        t = ''.join(fold(c) for c in t)
        if stop and t in STOP or (stop == 'query_snowball' and t in SNOWBALL_EN):
            continue
        toks.append(t)
    if stem == 'english_us':
        toks = _stem.stemWords([us_spelling(t) for t in toks])
    elif stem is True or stem == 'english':
        toks = _stem.stemWords(toks)
    elif stem == 'porter':
        toks = _porter.stemWords(toks)
    elif stem == 'sstem':
        toks = [s_stem(t) for t in toks]
    if stop == 'query_snowball':
        toks = [t for t in toks if t not in SNOWBALL_STEMMED]
    return toks


import re as _re
_US_SUBS = [(_re.compile(p), r) for p, r in [
    (r'^(an|h|leuk|isch|hyperglyc|hypoglyc|septic|tox|ur|bacter|vir|hypox|lipid|cholesterol|glyc)aem', r'\1em'),
    (r'aemi', 'emi'), (r'^haem', 'hem'), (r'^paed', 'ped'), (r'^orthopaed', 'orthoped'), (r'^oesoph', 'esoph'),
    (r'^oestr', 'estr'), (r'^oedem', 'edem'), (r'^foet', 'fet'), (r'^diarrhoe', 'diarrhe'), (r'^coeliac', 'celiac'),
    (r'^anaesth', 'anesth'), (r'^leucocyt', 'leukocyt'), (r'our$', 'or'), (r'ours$', 'ors'),
    (r'([a-z]{3})is(e|ed|es|ing|ation|ations)$', r'\1iz\2'), (r'([a-z]{2})yse(d|s)?$', r'\1yze\2'),
    (r'tre$', 'ter'), (r'tres$', 'ters')]]
_US_OUR_OK = {'our', 'ours', 'four', 'hour', 'hours', 'your', 'yours', 'pour', 'sour', 'tour', 'flour', 'course',
              'source', 'sources', 'devour', 'contour', 'contours', 'detour', 'amour'}
_US_IS_OK = {'raise', 'raised', 'raises', 'raising', 'praise', 'noise', 'poise', 'arise', 'arises', 'arising',
             'arised', 'promise', 'promised', 'promises', 'expertise', 'exercise', 'exercised', 'exercises',
             'exercising', 'advertise', 'advertised', 'advertising', 'otherwise', 'likewise', 'precise',
             'concise', 'surprise', 'surprised', 'surprising', 'comprise', 'comprises', 'comprised', 'comprising',
             'devise', 'devised', 'revise', 'revised', 'revising', 'supervise', 'supervised', 'supervising',
             'premise', 'premises', 'compromise', 'compromised', 'compromising', 'disguise', 'improvise',
             'enterprise', 'franchise', 'merchandise', 'televise', 'televised', 'chastise', 'demise', 'excise',
             'excised', 'incise', 'incised', 'despise', 'rise', 'rises', 'rising', 'wise', 'guise', 'cruise',
             'bruise', 'bruised', 'treatise', 'paradise', 'anise', 'valise', 'tortoise', 'porpoise', 'turquoise',
             'mortise', 'noises', 'poised', 'undergo', 'sunrise', 'uprise', 'reprise', 'entrepreneurise', 'centre',
             'metre', 'litre', 'theatre', 'fibre', 'acre', 'massacre', 'mediocre', 'genre', 'ochre', 'lucre',
             'centres', 'metres', 'litres', 'fibres', 'acres', 'genres', 'spectre', 'sceptre', 'lustre',
             'timbre', 'macabre', 'sabre', 'calibre'}


def us_spelling(t):
    if len(t) < 4 or t in _US_OUR_OK or t in _US_IS_OK and not t.endswith('re') and not t.endswith('res'):
        return t
    for p, r in _US_SUBS:
        if r in ('or', 'ors') and t in _US_OUR_OK:
            continue
        if p.pattern.startswith('tre') or p.pattern.startswith('([a-z]{3})is') or p.pattern.startswith('tres'):
            if t in _US_IS_OK and t not in ('centre', 'metre', 'litre', 'theatre', 'fibre', 'centres', 'metres',
                                            'litres', 'fibres', 'spectre', 'lustre', 'calibre', 'sabre'):
                continue
        t2 = p.sub(r, t)
        if t2 != t:
            t = t2
    return t


def s_stem(w):
    # Harman S-stemmer
    if len(w) > 3 and w.endswith('ies') and not (w.endswith('eies') or w.endswith('aies')):
        return w[:-3] + 'y'
    if len(w) > 3 and w.endswith('es') and not (w.endswith('aes') or w.endswith('ees') or w.endswith('oes')):
        return w[:-1]
    if len(w) > 2 and w.endswith('s') and not (w.endswith('us') or w.endswith('ss')):
        return w[:-1]
    return w


def load_raw():
    docs = []
    with gzip.open(f'{D}/corpus.jsonl.gz', 'rt', encoding='utf-8') as fh:
        for line in fh:
            o = json.loads(line)
            docs.append((o['_id'], o.get('title') or '', o.get('text') or ''))
    queries = {}
    for line in open(f'{D}/queries.jsonl', encoding='utf-8'):
        o = json.loads(line)
        queries[o['_id']] = o['text']
    qrels = {}
    for split in ('train', 'test'):
        q = defaultdict(dict)
        for i, line in enumerate(open(f'{D}/qrels/{split}.tsv')):
            p = line.split()
            if i == 0 and not p[2].isdigit():
                continue
            q[p[0]][p[1]] = int(p[2])
        qrels[split] = {k: v for k, v in q.items() if any(g >= 1 for g in v.values())}
    return docs, queries, qrels


class Index:
    """Two-field (title, body) index under one analysis variant."""

    def __init__(self, docs, stop=True, stem=True):
        self.stop, self.stem = stop, stem
        self.docids = [d[0] for d in docs]
        self.N = len(docs)
        # tie-break: docid descending (string) => larger key wins
        order = sorted(range(self.N), key=lambda i: self.docids[i])
        self.idrank = np.empty(self.N, dtype=np.int64)
        self.idrank[order] = np.arange(self.N)
        post = defaultdict(lambda: ([], [], []))  # term -> docs, tf_title, tf_body
        self.len_t = np.zeros(self.N); self.len_b = np.zeros(self.N)
        self.doc_tf = []  # Counter of title+body for PRF
        for i, (_, title, body) in enumerate(docs):
            tt = analyze(title, stop, stem); bt = analyze(body, stop, stem)
            self.len_t[i] = len(tt); self.len_b[i] = len(bt)
            ct, cb = Counter(tt), Counter(bt)
            for t in set(ct) | set(cb):
                p = post[t]; p[0].append(i); p[1].append(ct.get(t, 0)); p[2].append(cb.get(t, 0))
            self.doc_tf.append(ct + cb)
        self.post = {t: (np.array(a, dtype=np.int64), np.array(b, dtype=np.float64), np.array(c, dtype=np.float64))
                     for t, (a, b, c) in post.items()}
        self.df_t = {t: int((p[1] > 0).sum()) for t, p in self.post.items()}
        self.df_b = {t: int((p[2] > 0).sum()) for t, p in self.post.items()}
        self.df_u = {t: len(p[0]) for t, p in self.post.items()}
        self.avg_t = self.len_t.sum() / self.N
        self.avg_b = self.len_b.sum() / self.N
        self.len_f = self.len_t + self.len_b  # flat body = title + text
        self.avg_f = self.len_f.sum() / self.N
        self.qlen_t = quant(self.len_t); self.qlen_b = quant(self.len_b); self.qlen_f = quant(self.len_f)
        self.dl = self.len_f

    def idf(self, df):
        return math.log(1 + (self.N - df + 0.5) / (df + 0.5))


def quant(lens):
    ids = np.searchsorted(FN_TABLE, lens.astype(np.int64), side='right') - 1
    return FN_TABLE[ids].astype(np.float64)


DEFAULT = dict(mode='sum', k1b=1.2, bb=0.75, k1t=1.2, bt=0.75, tw=0.15, quant=True, idf='tantivy', idfpow=1.0, delta=0.0)


def idf_val(ix, df, kind):
    N = ix.N
    if kind == 'tantivy':
        return math.log(1 + (N - df + 0.5) / (df + 0.5))
    if isinstance(kind, tuple) and kind[0] == 'pow':
        return math.log(1 + (N - df + 0.5) / (df + 0.5)) ** kind[1]
    if kind == 'robertson':  # classic, floored at small epsilon
        return max(1e-3, math.log((N - df + 0.5) / (df + 0.5)))
    if kind == 'plain':
        return math.log(N / df)
    raise ValueError(kind)


def term_contrib(ix, t, P):
    """Return (docs, contribution) for term t under params P (weight 1)."""
    p = ix.post.get(t)
    if p is None:
        return None
    docs, tft, tfb = p
    lt = ix.qlen_t[docs] if P['quant'] else ix.len_t[docs]
    lb = ix.qlen_b[docs] if P['quant'] else ix.len_b[docs]
    lf = ix.qlen_f[docs] if P['quant'] else ix.len_f[docs]
    if P['mode'] in ('sum', 'sum_sep'):
        k1b, bb = P['k1b'], P['bb']
        s = np.zeros(len(docs))
        if P['mode'] == 'sum':  # idx: flat body (title+text) + tw * title
            tf, L, avg, df = tft + tfb, lf, ix.avg_f, ix.df_u[t]
        else:                    # text-only body + tw * title
            tf, L, avg, df = tfb, lb, ix.avg_b, ix.df_b[t]
        if df:
            nb = k1b * (1 - bb + bb * L / avg)
            s += idf_val(ix, df, P['idf']) * ((k1b + 1) * tf / (tf + nb) + P['delta'] * (tf > 0))
        if P['tw'] and ix.df_t[t]:
            k1t, bt = P['k1t'], P['bt']
            nt = k1t * (1 - bt + bt * lt / ix.avg_t)
            s += P['tw'] * idf_val(ix, ix.df_t[t], P['idf']) * (k1t + 1) * tft / (tft + nt)
        return docs, s
    elif P['mode'] == 'bm25f':  # text and title tf combined before saturation; wt = tw
        k1 = P['k1b']
        Bb = 1 - P['bb'] + P['bb'] * lb / ix.avg_b
        Bt = 1 - P['bt'] + P['bt'] * lt / ix.avg_t
        tf = tfb / Bb + P['tw'] * tft / Bt
        return docs, idf_val(ix, ix.df_u[t], P['idf']) * (k1 + 1) * tf / (tf + k1)
    raise ValueError(P['mode'])


def score_query(ix, qw, P, cache=None):
    """qw: dict term -> weight. returns dense score vector."""
    s = np.zeros(ix.N)
    for t, w in qw.items():
        key = t
        r = cache.get(key) if cache is not None else None
        if r is None:
            r = term_contrib(ix, t, P)
            if r is None:
                continue
            if cache is not None:
                cache[key] = r
        docs, c = r
        s[docs] += w * c
    return s


def rank(ix, s, k=100):
    cand = np.nonzero(s > 0)[0]
    if len(cand) > 4 * k:
        thr = np.partition(s[cand], -k)[-k]
        cand = cand[s[cand] >= thr]
    o = np.lexsort((-ix.idrank[cand], -s[cand]))
    return cand[o][:k]


def evaluate(ix, runs, qrels):
    """runs: qid -> array of doc indices (ranked). returns (ndcg10, r100)."""
    nd, rc = [], []
    for qid, rels in qrels.items():
        ranked = [ix.docids[i] for i in runs.get(qid, [])]
        dcg = sum(rels.get(d, 0) / math.log2(i + 2) for i, d in enumerate(ranked[:10]) if rels.get(d, 0) > 0)
        ideal = sorted((g for g in rels.values() if g > 0), reverse=True)[:10]
        idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
        nd.append(dcg / idcg)
        relset = {d for d, g in rels.items() if g >= 1}
        rc.append(sum(1 for d in ranked[:100] if d in relset) / len(relset))
    return float(np.mean(nd)), float(np.mean(rc))


def query_weights(ix, text, dedupe=True):
    toks = analyze(text, ix.stop, ix.stem)
    c = Counter(toks)
    if dedupe:
        return {t: 1.0 for t in c}
    return {t: float(v) for t, v in c.items()}


# ---------------- PRF ----------------
def rm3(ix, qw, s, fb_docs=10, fb_terms=20, orig_w=0.5, df_cut=0.1, weight='score'):
    """Anserini-style RM3.
    For each of the top fb_docs docs (by first-pass score s): doc vector = tf(t,d)/|d| over title+body
    terms (terms with df > df_cut*N are skipped, as are 1-char terms), weighted by the doc's first-pass
    score (weight='score') or uniformly (weight='uniform'). Sum over docs -> relevance model; keep top
    fb_terms; L1-normalise. Original query vector L1-normalised. new = orig_w*orig + (1-orig_w)*rm."""
    top = rank(ix, s, fb_docs)
    rm = defaultdict(float)
    for d in top:
        tfc = ix.doc_tf[d]
        dl = sum(tfc.values())
        if dl == 0:
            continue
        if weight == 'score':
            dw = s[d]
        elif weight == 'uniform':
            dw = 1.0
        else:  # ('exp', T): exp((s - smax)/ (T*smax))
            dw = math.exp((s[d] - s[top[0]]) / (weight[1] * s[top[0]]))
        for t, v in tfc.items():
            if len(t) < 2 or ix.df_u[t] > df_cut * ix.N:
                continue
            rm[t] += dw * v / dl
    best = sorted(rm.items(), key=lambda kv: -kv[1])[:fb_terms]
    z = sum(v for _, v in best) or 1.0
    zq = sum(qw.values()) or 1.0
    out = defaultdict(float)
    for t, v in qw.items():
        out[t] += orig_w * v / zq
    for t, v in best:
        out[t] += (1 - orig_w) * v / z
    return dict(out)


def rocchio(ix, qw, s, fb_docs=10, fb_terms=20, beta=0.5, df_cut=0.1):
    """Rocchio: centroid of top fb_docs doc vectors where each doc vector is tf*idf (title+body) L2-normalised;
    keep top fb_terms of centroid; scale so that max expansion weight = 1; new = qw(=1 each) + beta*centroid_scaled."""
    top = rank(ix, s, fb_docs)
    cen = defaultdict(float)
    for d in top:
        tfc = ix.doc_tf[d]
        vec = {t: (1 + math.log(v)) * ix.idf(ix.df_u[t]) for t, v in tfc.items()
               if len(t) >= 2 and ix.df_u[t] <= df_cut * ix.N}
        nrm = math.sqrt(sum(x * x for x in vec.values())) or 1.0
        for t, x in vec.items():
            cen[t] += x / nrm / len(top)
    best = sorted(cen.items(), key=lambda kv: -kv[1])[:fb_terms]
    mx = best[0][1] if best else 1.0
    out = dict(qw)
    for t, v in best:
        out[t] = out.get(t, 0.0) + beta * v / mx
    return out


# ---------------- extras ----------------
def add_bigrams(ix, docs):
    """Add adjacent-pair (after stop removal) postings as terms 'x y' into ix.post (title, text tfs)."""
    post = defaultdict(lambda: ([], [], []))
    for i, (_, title, body) in enumerate(docs):
        tt = analyze(title, ix.stop, ix.stem); bt = analyze(body, ix.stop, ix.stem)
        ct = Counter(a + ' ' + b for a, b in zip(tt, tt[1:]))
        cb = Counter(a + ' ' + b for a, b in zip(bt, bt[1:]))
        for t in set(ct) | set(cb):
            p = post[t]; p[0].append(i); p[1].append(ct.get(t, 0)); p[2].append(cb.get(t, 0))
    for t, (a, b, c) in post.items():
        ix.post[t] = (np.array(a, dtype=np.int64), np.array(b, dtype=np.float64), np.array(c, dtype=np.float64))
        ix.df_t[t] = int((ix.post[t][1] > 0).sum()); ix.df_b[t] = int((ix.post[t][2] > 0).sum()); ix.df_u[t] = len(a)
    ix.has_bigrams = True


def query_weights_bigram(ix, text, wb):
    toks = analyze(text, ix.stop, ix.stem)
    qw = {t: 1.0 for t in toks}
    for a, b in zip(toks, toks[1:]):
        if a != b:
            qw[a + ' ' + b] = wb
    return qw
