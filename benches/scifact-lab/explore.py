#!/usr/bin/env python3
"""SciFact lexical ranking exploration. Usage: venv/bin/python explore.py SECTION [...]
Sections: base misc analysis stemmers us extras bm25 sep title bm25f prf:idx rocchio:idx prf2:idx prf3:idx prf4:idx
          prfbm25 joint dfcut cascade final tokens fusion   (lib.py = analysis/BM25/RM3/Rocchio, common.py = runner)
All output is appended to explore.log; first run builds cached indexes ix_*.pkl (~5 s each).
Selection is by TRAIN nDCG@10 (R@100 secondary); test is printed alongside only."""
import itertools, functools
from common import *

LOG = open(os.path.join(WORK, 'explore.log'), 'a')
def out(*a):
    s = ' '.join(str(x) for x in a); print(s, flush=True); LOG.write(s + '\n'); LOG.flush()

def show(tag, res):
    out(f"{tag:70s} {fmt(res)}")
    return res

def best_of(rows, n=8):
    rows = sorted(rows, key=lambda r: -r[1]['train'][0])
    out('  -- top by train nDCG@10 --')
    for tag, res in rows[:n]:
        out(f"  {tag:68s} {fmt(res)}")
    return rows[0]

def sec_base():
    ix = get_index()
    show('idx baseline (flat body + 0.15 title, k1 1.2 b .75, quant)', run_cfg(ix, DEFAULT))
    show('  no fieldnorm quantisation', run_cfg(ix, dict(DEFAULT, quant=False)))
    show('  query term repeats counted', run_cfg(ix, DEFAULT, dedupe=False))

def sec_bm25():
    ix = get_index(); rows = []
    for k1, b, tw in itertools.product([0.6, 0.8, 0.9, 1.0, 1.2, 1.5, 2.0], [0.3, 0.4, 0.5, 0.6, 0.75, 0.9, 1.0],
                                       [0, 0.1, 0.15, 0.3, 0.5, 1.0]):
        P = dict(DEFAULT, k1b=k1, bb=b, tw=tw)
        r = run_cfg(ix, P); tag = f"sum k1={k1} b={b} tw={tw}"; rows.append((tag, r))
        if tw == 0.15: show(tag, r)
    best_of(rows, 15)

def sec_title():
    ix = get_index(); rows = []
    for k1b, bb in [(0.9, 0.4), (1.2, 0.75)]:
        for k1t, bt, tw in itertools.product([0.6, 1.2, 2.0], [0.3, 0.75, 1.0], [0.15, 0.3, 0.5]):
            P = dict(DEFAULT, k1b=k1b, bb=bb, k1t=k1t, bt=bt, tw=tw)
            tag = f"sum k1={k1b} b={bb} title k1={k1t} b={bt} tw={tw}"; rows.append((tag, show(tag, run_cfg(ix, P))))
    best_of(rows)

def sec_bm25f():
    ix = get_index(); rows = []
    for k1, bb, bt, wt in itertools.product([0.9, 1.2, 1.5, 2.0], [0.4, 0.6, 0.75, 0.9], [0.5, 0.75, 1.0], [1.0, 1.5, 2.0, 3.0]):
        P = dict(DEFAULT, mode='bm25f', k1b=k1, bb=bb, bt=bt, tw=wt)
        tag = f"bm25f k1={k1} b_text={bb} b_title={bt} w_title={wt}"; rows.append((tag, run_cfg(ix, P)))
    best_of(rows, 12)

def sec_sep():
    ix = get_index(); rows = []
    for k1, b, tw in itertools.product([0.9, 1.2, 1.5], [0.4, 0.75], [0.3, 0.5, 1.0, 2.0]):
        P = dict(DEFAULT, mode='sum_sep', k1b=k1, bb=b, tw=tw)
        tag = f"sum_sep (text-only body) k1={k1} b={b} tw={tw}"; rows.append((tag, run_cfg(ix, P)))
    best_of(rows, 5)

BASES = {'idx': DEFAULT}
def sec_prf(base='idx'):
    ix = get_index(); P = BASES[base]; rows = []
    for fd, ft, ow in itertools.product([5, 10, 20], [10, 20, 30], [0.5, 0.6, 0.7, 0.8, 0.9]):
        prf = functools.partial(rm3, fb_docs=fd, fb_terms=ft, orig_w=ow)
        tag = f"[{base}] RM3 docs={fd} terms={ft} orig={ow}"; rows.append((tag, show(tag, run_cfg(ix, P, prf=prf))))
    best_of(rows, 10)

def sec_rocchio(base='idx'):
    ix = get_index(); P = BASES[base]; rows = []
    for fd, ft, beta in itertools.product([5, 10, 20], [10, 20, 30], [0.1, 0.2, 0.3, 0.5]):
        prf = functools.partial(rocchio, fb_docs=fd, fb_terms=ft, beta=beta)
        tag = f"[{base}] Rocchio docs={fd} terms={ft} beta={beta}"; rows.append((tag, run_cfg(ix, P, prf=prf)))
    best_of(rows, 10)

def sec_analysis():
    for stop, stem in [(True, True), (False, True), (True, False), (False, False)]:
        ix = get_index(stop, stem)
        show(f"stop={stop} stem={stem}", run_cfg(ix, DEFAULT))
    # combination: a*stemmed + (1-a)*unstemmed scores
    ixs, ixu = get_index(True, True), get_index(True, False)
    docs, queries, qrels = raw()
    for a in [0.5, 0.7, 0.8, 0.9]:
        res = {}
        for sp in ('train', 'test'):
            runs = {}; cs, cu = {}, {}
            for qid in qrels[sp]:
                s = a * score_query(ixs, query_weights(ixs, queries[qid]), DEFAULT, cs) + \
                    (1 - a) * score_query(ixu, query_weights(ixu, queries[qid]), DEFAULT, cu)
                runs[qid] = rank(ixs, s, 100)
            res[sp] = evaluate(ixs, runs, qrels[sp])
        show(f"stemmed*{a} + unstemmed*{1-a:.1f}", res)

def sec_misc():
    ix = get_index()
    for idf in ['tantivy', 'robertson', 'plain']:
        show(f"idf={idf}", run_cfg(ix, dict(DEFAULT, idf=idf)))
    show("query tf counted", run_cfg(ix, DEFAULT, dedupe=False))
    # sqrt of query tf
    show("query tf sqrt", run_cfg(ix, DEFAULT, qw_fn=lambda q: {t: math.sqrt(v) for t, v in query_weights(ix, q, False).items()}))

def sec_extras():
    ix = get_index()
    for p in [0.8, 1.2, 1.5, 2.0]:
        show(f"idf^{p}", run_cfg(ix, dict(DEFAULT, idf=('pow', p))))
    for d in [0.25, 0.5, 1.0]:
        show(f"BM25+ delta={d}", run_cfg(ix, dict(DEFAULT, delta=d)))
    add_bigrams(ix, raw()[0])
    for wb in [0.03, 0.05, 0.1, 0.2, 0.3]:
        show(f"bigram terms weight {wb}", run_cfg(ix, DEFAULT, qw_fn=lambda q: query_weights_bigram(ix, q, wb)))

def sec_stemmers():
    for stem in ['english', 'porter', 'sstem']:
        ix = get_index(True, stem)
        show(f"stemmer={stem}", run_cfg(ix, DEFAULT))
    ix = get_index(True, True)
    # larger (Snowball) stop list applied to queries only
    show("query-side Snowball stop list", run_cfg(ix, DEFAULT, qw_fn=lambda q: {t: 1.0 for t in analyze(q, 'query_snowball', True)}))

def sec_prf2(base='idx'):
    ix = get_index(); P = BASES[base]; rows = []
    for fd, ft, ow, w in itertools.product([5, 10, 20], [10, 30], [0.85, 0.9, 0.95], ['score', 'uniform', ('exp', 0.1)]):
        prf = functools.partial(rm3, fb_docs=fd, fb_terms=ft, orig_w=ow, weight=w)
        tag = f"[{base}] RM3 docs={fd} terms={ft} orig={ow} docw={w}"; rows.append((tag, run_cfg(ix, P, prf=prf)))
    for fd, ft, beta in itertools.product([5, 10, 20], [10, 20, 30], [0.05]):
        prf = functools.partial(rocchio, fb_docs=fd, fb_terms=ft, beta=beta)
        tag = f"[{base}] Rocchio docs={fd} terms={ft} beta={beta}"; rows.append((tag, run_cfg(ix, P, prf=prf)))
    best_of(rows, 15)
    out('  -- top by train R@100 --')
    for tag, res in sorted(rows, key=lambda r: -r[1]['train'][1])[:8]:
        out(f"  {tag:68s} {fmt(res)}")

def sec_prf3(base='idx'):
    ix = get_index(); P = BASES[base]; rows = []
    for fd, ft, ow, T in itertools.product([5, 10, 20], [10, 20, 30], [0.8, 0.85, 0.9], [0.05, 0.1, 0.2]):
        prf = functools.partial(rm3, fb_docs=fd, fb_terms=ft, orig_w=ow, weight=('exp', T))
        tag = f"[{base}] RM3 docs={fd} terms={ft} orig={ow} docw=exp T={T}"; rows.append((tag, run_cfg(ix, P, prf=prf)))
    best_of(rows, 20)
    out('  -- all, sorted by train nDCG --')
    for tag, res in sorted(rows, key=lambda r: -r[1]['train'][0]):
        out(f"  {tag:68s} {fmt(res)}")

def sec_prf4(base='idx'):
    ix = get_index(); P = BASES[base]; rows = []
    for fd, ft, ow, T in itertools.product([5, 10, 20], [10, 20], [0.6, 0.7, 0.75, 0.8], [0.1, 0.15]):
        prf = functools.partial(rm3, fb_docs=fd, fb_terms=ft, orig_w=ow, weight=('exp', T))
        tag = f"[{base}] RM3 docs={fd} terms={ft} orig={ow} docw=exp T={T}"; rows.append((tag, run_cfg(ix, P, prf=prf)))
    best_of(rows, 15)
    out('  -- all, sorted by train nDCG --')
    for tag, res in sorted(rows, key=lambda r: -r[1]['train'][0]):
        out(f"  {tag:68s} {fmt(res)}")

RM3_BEST = dict(fb_docs=20, fb_terms=10, orig_w=0.8, weight=('exp', 0.1))
def sec_prfbm25():
    ix = get_index(); rows = []
    prf = functools.partial(rm3, **RM3_BEST)
    for k1, b, tw in itertools.product([0.9, 1.0, 1.2, 1.5], [0.5, 0.6, 0.75, 0.9], [0.15, 0.3]):
        P = dict(DEFAULT, k1b=k1, bb=b, tw=tw)
        tag = f"RM3(20,10,0.8,T0.1) + sum k1={k1} b={b} tw={tw}"; rows.append((tag, run_cfg(ix, P, prf=prf)))
    best_of(rows, 10)
    out('  -- all, sorted by train nDCG --')
    for tag, res in sorted(rows, key=lambda r: -r[1]['train'][0]):
        out(f"  {tag:68s} {fmt(res)}")

def sec_us():
    for stem in ['english', 'english_us']:
        ix = get_index(True, stem)
        show(f"stemmer={stem}", run_cfg(ix, DEFAULT))
        show(f"stemmer={stem} + RM3(20,10,0.8,T0.1)", run_cfg(ix, DEFAULT, prf=functools.partial(rm3, **RM3_BEST)))
        show(f"stemmer={stem} + RM3(20,10,0.8,T0.1), k1 .9 b .6", run_cfg(ix, dict(DEFAULT, k1b=0.9, bb=0.6), prf=functools.partial(rm3, **RM3_BEST)))

def sec_joint():
    """Coordinate-ascent round 2: re-tune RM3 at the BM25 settings that won with RM3 on train."""
    ix = get_index(); rows = []
    for (k1, b) in [(0.9, 0.5), (0.9, 0.6), (1.2, 0.75)]:
        P = dict(DEFAULT, k1b=k1, bb=b)
        for fd, ft, ow, T in itertools.product([5, 10, 20], [10, 20], [0.7, 0.75, 0.8, 0.85], [0.1, 0.15]):
            prf = functools.partial(rm3, fb_docs=fd, fb_terms=ft, orig_w=ow, weight=('exp', T))
            tag = f"k1={k1} b={b} tw=.15 RM3 docs={fd} terms={ft} orig={ow} T={T}"; rows.append((tag, run_cfg(ix, P, prf=prf)))
    best_of(rows, 15)
    out('  -- all, sorted by train nDCG --')
    for tag, res in sorted(rows, key=lambda r: -r[1]['train'][0]):
        out(f"  {tag:68s} {fmt(res)}")

REC = dict(mode='sum', k1b=0.9, bb=0.5, k1t=1.2, bt=0.75, tw=0.15, quant=True, idf='tantivy', idfpow=1.0, delta=0.0)
REC_RM3 = dict(fb_docs=10, fb_terms=10, orig_w=0.8, weight=('exp', 0.1))

def run_lists(ix, P, prf, split):
    docs, queries, qrels = raw(); runs = {}
    for qid in qrels[split]:
        qw = query_weights(ix, queries[qid]); s = score_query(ix, qw, P)
        if prf is not None:
            s = score_query(ix, prf(ix, qw, s), P)
        runs[qid] = rank(ix, s, 100)
    return runs

def sec_cascade():
    """Top 10 from the recommended config A; ranks 11-100 from a recall-oriented config B (A's top 10 removed)."""
    ix = get_index(); docs, queries, qrels = raw()
    A = {sp: run_lists(ix, REC, functools.partial(rm3, **REC_RM3), sp) for sp in ('train', 'test')}
    for fd, ft, ow, w in [(10, 30, 0.5, 'score'), (5, 30, 0.5, 'score'), (10, 30, 0.6, ('exp', 0.1)), (10, 30, 0.5, ('exp', 0.2)),
                          (20, 30, 0.6, ('exp', 0.3)), (10, 50, 0.5, ('exp', 0.2))]:
        prf = functools.partial(rm3, fb_docs=fd, fb_terms=ft, orig_w=ow, weight=w)
        res = {}; resB = {}
        for sp in ('train', 'test'):
            B = run_lists(ix, REC, prf, sp); C = {}
            for q in A[sp]:
                top = list(A[sp][q][:10]); seen = set(top)
                C[q] = top + [d for d in B[q] if d not in seen][:90]
            res[sp] = evaluate(ix, C, qrels[sp]); resB[sp] = evaluate(ix, B, qrels[sp])
        show(f"B alone: RM3 docs={fd} terms={ft} orig={ow} w={w}", resB)
        show(f"cascade A top10 + B", res)

def sec_final():
    """Recommended config + one-at-a-time neighbourhood; writes test/train run files for ndcg.py."""
    ix = get_index()
    show("RECOMMENDED " + str(REC_RM3), run_cfg(ix, REC, prf=functools.partial(rm3, **REC_RM3)))
    show("  same, no PRF", run_cfg(ix, REC))
    for key, vals in [('k1b', [0.8, 1.0, 1.2]), ('bb', [0.4, 0.6, 0.75]), ('tw', [0.1, 0.3]), ('quant', [False])]:
        for v in vals:
            show(f"  {key}={v}", run_cfg(ix, dict(REC, **{key: v}), prf=functools.partial(rm3, **REC_RM3)))
    for key, vals in [('fb_docs', [3, 5, 20]), ('fb_terms', [5, 15, 20]), ('orig_w', [0.7, 0.75, 0.85]),
                      ('weight', [('exp', 0.05), ('exp', 0.15), ('exp', 0.2), 'score']), ('df_cut', [0.05, 0.2, 1.0])]:
        for v in vals:
            show(f"  {key}={v}", run_cfg(ix, REC, prf=functools.partial(rm3, **dict(REC_RM3, **{key: v}))))
    docs, queries, qrels = raw()
    prf = functools.partial(rm3, **REC_RM3)
    for sp in ('train', 'test'):
        with open(os.path.join(WORK, f'rec_{sp}.trec'), 'w') as f:
            for qid in qrels[sp]:
                qw = query_weights(ix, queries[qid]); s = score_query(ix, qw, REC)
                s = score_query(ix, prf(ix, qw, s), REC)
                for r, d in enumerate(rank(ix, s, 100)):
                    f.write(f"{qid} Q0 {ix.docids[d]} {r+1} {s[d]:.6f} rec\n")

def sec_dfcut():
    ix = get_index(); rows = []
    for dc, fd, ft, ow in itertools.product([0.1, 0.2, 0.3], [5, 10, 20], [10, 20], [0.75, 0.8]):
        prf = functools.partial(rm3, fb_docs=fd, fb_terms=ft, orig_w=ow, weight=('exp', 0.1), df_cut=dc)
        tag = f"k1=.9 b=.5 RM3 df_cut={dc} docs={fd} terms={ft} orig={ow} T=0.1"; rows.append((tag, run_cfg(ix, REC, prf=prf)))
    best_of(rows, 12)
    import statistics
    for dc in [0.1, 0.2, 0.3]:
        sub = [r for t, r in rows if f"df_cut={dc} " in t]
        out(f"  df_cut={dc}: mean over 12 configs train {statistics.mean(r['train'][0] for r in sub):.4f}/{statistics.mean(r['train'][1] for r in sub):.4f}"
            f" test {statistics.mean(r['test'][0] for r in sub):.4f}/{statistics.mean(r['test'][1] for r in sub):.4f}")

GREEK = dict(zip('αβγδεζηθικλμνξοπρστυφχψω', 'alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu '
                 'nu xi omicron pi rho sigma tau upsilon phi chi psi omega'.split()))

def split_tokens(variant, tokens):
    """Tokenisation variants at index and query time alike. 'greek': Greek letters spelled out as
    words of their own ("tnf-α" = "tnf-alpha"); 'greekjoin': spelled out inside the word ("aβ" ->
    "abeta"); 'digit': letter and digit runs replace a mixed token ("il6" -> "il", "6");
    'digitboth': the runs are added after the whole token (idx's LetterDigitSplitter)."""
    import re
    out = []
    for t in tokens:
        low = t.lower()
        if variant.startswith('greek') and any(c in GREEK for c in low):
            parts = [GREEK.get(p, p) for p in re.split('([' + ''.join(GREEK) + '])', low) if p]
            out.extend([''.join(parts)] if variant == 'greekjoin' else parts)
            continue
        if variant.startswith('digit'):
            parts = re.findall(r'[^\W\d_]+|\d+', t)
            if len(parts) > 1:
                out.extend(([t] if variant == 'digitboth' else []) + parts)
                continue
        out.append(t)
    return out

def sec_tokens():
    """Each variant rebuilds the index (not cached); idx's default RM3 on queries of >= 5 terms."""
    import lib
    docs, queries, qrels = raw(); simple = lib.simple_tokens
    fb = functools.partial(rm3, fb_docs=10, fb_terms=10, orig_w=0.8, weight=('exp', 0.1))
    for variant in ['none', 'greek', 'greekjoin', 'digit', 'digitboth']:
        lib.simple_tokens = lambda text, v=variant: split_tokens(v, simple(text))
        ix = Index(docs, True, True)
        show(f"tokens={variant} no feedback", run_cfg(ix, DEFAULT))
        show(f"tokens={variant} feedback", run_cfg(ix, DEFAULT, prf=lambda ix, qw, s: fb(ix, qw, s) if len(qw) >= 5 else qw))
    lib.simple_tokens = simple

def sec_fusion():
    """Recall-oriented variants on idx's feedback run (queries of >= 5 terms): top 10 kept, ranks
    11-100 by reciprocal-rank fusion with the first pass or a broader expansion; a second round."""
    ix = get_index(); docs, queries, qrels = raw()
    fb = dict(fb_docs=10, fb_terms=10, orig_w=0.8, weight=('exp', 0.1))
    runs = {}
    for sp in ('train', 'test'):
        for q in qrels[sp]:
            qw = query_weights(ix, queries[q]); s1 = score_query(ix, qw, DEFAULT)
            s2 = score_query(ix, rm3(ix, qw, s1, **fb), DEFAULT) if len(qw) >= 5 else s1
            runs[q] = (qw, s1, s2)
    def ev(tag, fn):
        show(tag, {sp: evaluate(ix, {q: fn(q) for q in qrels[sp]}, qrels[sp]) for sp in ('train', 'test')})
    def fused(q, other, k=60, w=1.0):
        top = list(rank(ix, runs[q][2], 10)); score = defaultdict(float)
        for weight, ranked in [(1.0, rank(ix, runs[q][2], 1000)), (w, other)]:
            for r, d in enumerate(ranked):
                score[d] += weight / (k + r + 1)
        rest = sorted((d for d in score if d not in set(top)), key=lambda d: (-score[d], -ix.idrank[d]))
        return top + rest[:90]
    def expanded(q, **kw):
        qw, s1, s2 = runs[q]
        return s1 if len(qw) < 5 else score_query(ix, rm3(ix, qw, s1, **dict(fb, **kw)), DEFAULT)
    ev('feedback (idx default)', lambda q: rank(ix, runs[q][2], 100))
    for k, w in itertools.product([10, 60, 100], [0.5, 1.0]):
        ev(f'top 10 + RRF(feedback, first pass x{w}) k={k}', lambda q: fused(q, rank(ix, runs[q][1], 1000), k, w))
    for fd, ft, ow in [(10, 30, 0.7), (20, 20, 0.7), (20, 30, 0.6), (10, 20, 0.8)]:
        ev(f'top 10 + RRF(feedback, RM3 docs={fd} terms={ft} orig={ow})',
           lambda q: fused(q, rank(ix, expanded(q, fb_docs=fd, fb_terms=ft, orig_w=ow), 1000)))
    ev('second round (terms from the feedback run)',
       lambda q: rank(ix, runs[q][1] if len(runs[q][0]) < 5 else score_query(ix, rm3(ix, runs[q][0], runs[q][2], **fb), DEFAULT), 100))

if __name__ == '__main__':
    for s in sys.argv[1:]:
        out(f"=== {s} ({time.strftime('%H:%M:%S')}) ===")
        if ':' in s:
            name, base = s.split(':'); globals()['sec_' + name](base)
        else:
            globals()['sec_' + s]()











