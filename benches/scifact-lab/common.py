import pickle, os, time, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib import *

_raw = None
def raw():
    global _raw
    if _raw is None: _raw = load_raw()
    return _raw

def get_index(stop=True, stem=True):
    fn = os.path.join(WORK, f'ix_{stop}_{stem}.pkl')
    if os.path.exists(fn):
        return pickle.load(open(fn, 'rb'))
    docs, _, _ = raw()
    ix = Index(docs, stop, stem)
    ix.post = dict(ix.post)
    pickle.dump(ix, open(fn, 'wb'))
    return ix

_FP = {}
def run_cfg(ix, P, prf=None, dedupe=True, splits=('train','test'), qw_fn=None):
    docs, queries, qrels = raw()
    res = {}
    cache = {}
    for sp in splits:
        runs = {}
        for qid in qrels[sp]:
            qw = qw_fn(queries[qid]) if qw_fn else query_weights(ix, queries[qid], dedupe)
            fk = (id(ix), tuple(sorted(P.items())), qid, dedupe, qw_fn is None)
            s = _FP.get(fk) if prf is not None else None
            if s is None:
                s = score_query(ix, qw, P, cache)
                if prf is not None: _FP[fk] = s
            if prf is not None:
                qw2 = prf(ix, qw, s)
                s = score_query(ix, qw2, P, cache)
            runs[qid] = rank(ix, s, 100)
        res[sp] = evaluate(ix, runs, qrels[sp])
    return res

def fmt(res):
    return ' '.join(f"{sp} {a:.4f}/{b:.4f}" for sp,(a,b) in res.items())
