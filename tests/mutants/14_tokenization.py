"""Plausible wrong answers for 14_tokenization; each must fail its exercise's tests."""
from course.checks import Mutant

MUTANTS = {
    "get_pair_counts": [
        Mutant("ignores the chunk frequencies (counts each chunk once)",
               replace=[("counts.get(pair, 0) + freq", "counts.get(pair, 0) + 1")]),
        Mutant("counts a pair once per chunk even when it occurs twice",
               replace=[("for pair in zip(ids, ids[1:]):", "for pair in set(zip(ids, ids[1:])):")]),
        Mutant("off by one: misses the last pair of every chunk",
               replace=[("zip(ids, ids[1:])", "zip(ids[:-1], ids[1:-1])")]),
        Mutant("counts pairs across chunk boundaries",
               code=("def get_pair_counts(chunks):\n"
                     "    stream = [i for ids, f in chunks.items() for _ in range(f) for i in ids]\n"
                     "    counts = {}\n"
                     "    for pair in zip(stream, stream[1:]):\n"
                     "        counts[pair] = counts.get(pair, 0) + 1\n"
                     "    return counts\n")),
    ],
    "merge_pair": [
        Mutant("steps one position after a merge (overlapping matches)",
               replace=[("            i += 2", "            i += 1")]),
        Mutant("drops the last id",
               replace=[("while i < len(ids):", "while i < len(ids) - 1:")]),
        Mutant("replaces only the first occurrence",
               code=("def merge_pair(ids, pair, new_id):\n"
                     "    ids = list(ids)\n"
                     "    for i in range(len(ids) - 1):\n"
                     "        if (ids[i], ids[i + 1]) == tuple(pair):\n"
                     "            return ids[:i] + [new_id] + ids[i + 2:]\n"
                     "    return ids\n")),
        Mutant("scans right to left ([1, 1, 1] -> [1, new])",
               code=("def merge_pair(ids, pair, new_id):\n"
                     "    out, i = [], len(ids) - 1\n"
                     "    while i >= 0:\n"
                     "        if i >= 1 and ids[i - 1] == pair[0] and ids[i] == pair[1]:\n"
                     "            out.append(new_id)\n"
                     "            i -= 2\n"
                     "        else:\n"
                     "            out.append(ids[i])\n"
                     "            i -= 1\n"
                     "    return out[::-1]\n")),
    ],
    "train_bpe": [
        Mutant("breaks ties by dictionary order (max with counts.get)",
               replace=[("min(counts, key=lambda p: (-counts[p], p))", "max(counts, key=counts.get)")]),
        Mutant("breaks ties by the largest pair",
               replace=[("min(counts, key=lambda p: (-counts[p], p))",
                         "min(counts, key=lambda p: (-counts[p], -p[0], -p[1]))")]),
        Mutant("off by one: learns vocab_size - 255 merges",
               replace=[("range(256, vocab_size)", "range(256, vocab_size + 1)")]),
        Mutant("ignores the pre-tokenization pattern",
               replace=[("[text] if pattern is None else regex.findall(pattern, text)", "[text]")]),
        Mutant("forgets the chunk frequencies (a set of distinct chunks)",
               replace=[('Counter(tuple(p.encode("utf-8")) for p in pieces if p)',
                         'Counter({tuple(p.encode("utf-8")) for p in pieces if p})')]),
        Mutant("uses code points instead of UTF-8 bytes",
               replace=[('Counter(tuple(p.encode("utf-8")) for p in pieces if p)',
                         'Counter(tuple(ord(ch) for ch in p) for p in pieces if p)')]),
    ],
    "encode_chunk": [
        Mutant("merges the highest-ranked pair first",
               replace=[("rank < best_rank", "rank > best_rank")]),
        Mutant("on equal ranks merges the rightmost occurrence",
               replace=[("rank < best_rank", "rank <= best_rank")]),
        Mutant("assumes single bytes have id == byte value",
               replace=[("return [ranks[p] for p in parts]", "return [p[0] if len(p) == 1 else ranks[p] for p in parts]")]),
        Mutant("merges the first mergeable pair, whatever its rank",
               code=("def encode_chunk(chunk, ranks):\n"
                     "    parts = [bytes([b]) for b in chunk]\n"
                     "    merged = True\n"
                     "    while merged:\n"
                     "        merged = False\n"
                     "        for i in range(len(parts) - 1):\n"
                     "            if parts[i] + parts[i + 1] in ranks:\n"
                     "                parts[i:i + 2] = [parts[i] + parts[i + 1]]\n"
                     "                merged = True\n"
                     "                break\n"
                     "    return [ranks[p] for p in parts]\n")),
        Mutant("greedy longest match instead of BPE",
               code=("def encode_chunk(chunk, ranks):\n"
                     "    out, i = [], 0\n"
                     "    while i < len(chunk):\n"
                     "        j = len(chunk)\n"
                     "        while j > i + 1 and chunk[i:j] not in ranks:\n"
                     "            j -= 1\n"
                     "        out.append(ranks[chunk[i:j]])\n"
                     "        i = j\n"
                     "    return out\n")),
    ],
    "decode": [
        Mutant("decodes every token on its own",
               replace=[('b"".join(vocab[i] for i in ids).decode("utf-8", errors="replace")',
                         '"".join(vocab[i].decode("utf-8", errors="replace") for i in ids)')]),
        Mutant("drops invalid bytes (errors='ignore')",
               replace=[('errors="replace"', 'errors="ignore"')]),
        Mutant("decodes as Latin-1",
               replace=[('.decode("utf-8", errors="replace")', '.decode("latin-1")')]),
    ],
    "encode_with_specials": [
        Mutant("ignores `pattern`: the segments are always split with GPT-2's pattern",
               replace=[("ids.extend(encode(segment, ranks, pattern))", "ids.extend(encode(segment, ranks))")]),
        Mutant("forgets to escape the special strings ('|' is a regex operator)",
               replace=[("regex.escape(s)", "s")]),
        Mutant("ignores the special tokens",
               code=("def encode_with_specials(text, ranks, specials, pattern=GPT2_PATTERN):\n"
                     "    return encode(text, ranks, pattern)\n")),
        Mutant("drops the special tokens (split without keeping the separators)",
               replace=[("ids.append(specials[segment])", "pass")]),
        Mutant("handles only the first special string",
               replace=[("for s in sorted(specials, key=len, reverse=True)", "for s in list(specials)[:1]")]),
    ],
    "wordpiece_tokenize": [
        Mutant("forgets the ## prefix of continuation pieces",
               replace=[('word[start:end] if start == 0 else "##" + word[start:end]', "word[start:end]")]),
        Mutant("shortest match first",
               code=("def wordpiece_tokenize(word, vocab, unk_token='[UNK]', max_chars=100):\n"
                     "    if len(word) > max_chars:\n"
                     "        return [unk_token]\n"
                     "    pieces, start = [], 0\n"
                     "    while start < len(word):\n"
                     "        for end in range(start + 1, len(word) + 1):\n"
                     "            cand = word[start:end] if start == 0 else '##' + word[start:end]\n"
                     "            if cand in vocab:\n"
                     "                pieces.append(cand)\n"
                     "                start = end\n"
                     "                break\n"
                     "        else:\n"
                     "            return [unk_token]\n"
                     "    return pieces\n")),
        Mutant("marks only the unknown character as [UNK] and continues",
               replace=[("        if piece is None:\n            return [unk_token]\n",
                         "        if piece is None:\n            pieces.append(unk_token)\n"
                         "            start += 1\n            continue\n")]),
        Mutant("off by one in the length limit",
               replace=[("if len(word) > max_chars:", "if len(word) >= max_chars:")]),
        Mutant("no length limit",
               replace=[("if len(word) > max_chars:", "if False:")]),
    ],
}

EQUIVALENT = {
    'train_bpe': {
        'param: progress = False':
            'progress only switches a tqdm display (a widget in Jupyter): no test cell can observe it, and the merges are the same',
        'drop: if a not in ids or b not in ids: …':
            'a cheap pre-test only: merge_pair leaves a chunk without the pair unchanged, and the length test skips it',
        'drop: continue':
            'a cheap pre-test only: merge_pair leaves a chunk without the pair unchanged, and the length test skips it',
        'drop: if len(merged) == len(ids): …':
            'for an unchanged chunk the update subtracts and re-adds the same pair counts: the table is the same',
        'drop: continue [2]':
            'for an unchanged chunk the update subtracts and re-adds the same pair counts: the table is the same',
    },
    'encode_chunk': {
        'compare: len(parts) > 1 → len(parts) >= 1':
            'a single part has no pair: the inner search finds nothing and breaks',
        'arith: -1 → 1':
            'best_i is only read after a candidate was found, which overwrites it',
        'const: 1 → 2 in best_rank, best_i = (None, -1)':
            'best_i is only read after a candidate was found, which overwrites it',
    },
    'encode_with_specials': {
        "const: True → False in splitter = '(' + '|'.join((regex.escape(s) for s in sorted(specials, …":
            "the contract's special strings do not overlap, so the order of the alternatives cannot matter",
    },
    'wordpiece_tokenize': {
        'compare: end > start → end >= start':
            "differs only if the vocabulary holds the empty piece '' or '##', which no WordPiece vocabulary does",
    },
}
