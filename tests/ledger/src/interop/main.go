// Command interop checks a running pressroom's transparency log with an
// independent implementation: Go's golang.org/x/mod/sumdb/note (signed
// notes, Ed25519 verifier keys) and golang.org/x/mod/sumdb/tlog (RFC 6962
// tree hashes, inclusion and consistency proofs). Nothing here shares code
// with the Rust ledger. It prints one closing line "ledger interop: N
// passed, M failed" and exits non-zero on any failure.
package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

var base string
var passed, failed int

func check(ok bool, format string, args ...interface{}) {
	if ok {
		passed++
	} else {
		failed++
		fmt.Printf("FAIL: "+format+"\n", args...)
	}
}

func get(path string) []byte {
	res, err := http.Get(base + path)
	if err != nil {
		fmt.Println("fatal:", err)
		os.Exit(1)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		fmt.Printf("fatal: %s answered %d: %s\n", path, res.StatusCode, b)
		os.Exit(1)
	}
	return b
}

// parseCheckpoint reads a C2SP tlog-checkpoint body: origin, size, root.
func parseCheckpoint(text string) (string, int64, tlog.Hash) {
	lines := strings.Split(text, "\n")
	if len(lines) < 4 || lines[3] != "" {
		fmt.Printf("fatal: malformed checkpoint %q\n", text)
		os.Exit(1)
	}
	n, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil {
		fmt.Println("fatal: checkpoint size:", err)
		os.Exit(1)
	}
	h, err := tlog.ParseHash(lines[2])
	if err != nil {
		fmt.Println("fatal: checkpoint hash:", err)
		os.Exit(1)
	}
	return lines[0], n, h
}

type storage []tlog.Hash

func (s storage) ReadHashes(idx []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(idx))
	for i, x := range idx {
		out[i] = s[x]
	}
	return out, nil
}

func hashes(list []string) tlog.TreeProof {
	var p tlog.TreeProof
	for _, s := range list {
		h, err := tlog.ParseHash(s)
		check(err == nil, "hash %q: %v", s, err)
		p = append(p, h)
	}
	return p
}

func main() {
	base = strings.TrimRight(os.Args[1], "/")

	var keys struct {
		Log     string   `json:"log"`
		Current string   `json:"current"`
		Retired []string `json:"retired"`
	}
	check(json.Unmarshal(get("/.well-known/pressroom/keys"), &keys) == nil, "keys JSON")
	var verifiers []note.Verifier
	for _, k := range append([]string{keys.Current}, keys.Retired...) {
		v, err := note.NewVerifier(k)
		check(err == nil, "note.NewVerifier(%q): %v", k, err)
		if err == nil {
			verifiers = append(verifiers, v)
		}
	}
	check(len(keys.Retired) > 0, "a rotated key is still published (retired keys: %d)", len(keys.Retired))
	known := note.VerifierList(verifiers...)

	// The checkpoint: a signed note that note.Open accepts.
	msg := get("/.well-known/pressroom/checkpoint")
	n, err := note.Open(msg, known)
	check(err == nil, "note.Open(checkpoint): %v", err)
	if err != nil {
		os.Exit(1)
	}
	origin, size, root := parseCheckpoint(n.Text)
	check(origin == keys.Log, "checkpoint origin %q is the log's name %q", origin, keys.Log)
	check(len(n.Sigs) == 1 && n.Sigs[0].Name == keys.Log, "signed by the log's key")
	// A single changed byte of the note is refused.
	bad := bytes.Replace(msg, []byte(strconv.FormatInt(size, 10)+"\n"), []byte(strconv.FormatInt(size+1, 10)+"\n"), 1)
	_, err = note.Open(bad, known)
	check(err != nil, "a checkpoint with a changed size is refused")

	// Rebuild the whole tree from the served entries with tlog.StoredHashes.
	var st storage
	var leafHashes []tlog.Hash
	var trees []tlog.Hash
	for i := int64(0); i < size; i++ {
		leaf := get(fmt.Sprintf("/.well-known/pressroom/log/entries/%d", i))
		hs, err := tlog.StoredHashes(i, leaf, st)
		check(err == nil, "StoredHashes(%d): %v", i, err)
		st = append(st, hs...)
		leafHashes = append(leafHashes, tlog.RecordHash(leaf))
		th, err := tlog.TreeHash(i+1, st)
		check(err == nil, "TreeHash(%d): %v", i+1, err)
		trees = append(trees, th)
	}
	th, err := tlog.TreeHash(size, st)
	check(err == nil && th == root, "the root of the served entries is the signed root (%v vs %v)", th, root)

	// Every consistency proof from every earlier size to the current one.
	for old := int64(1); old <= size; old++ {
		var cp struct {
			Format  string   `json:"format"`
			Log     string   `json:"log"`
			OldSize int64    `json:"old_size"`
			Size    int64    `json:"size"`
			Proof   []string `json:"proof"`
		}
		check(json.Unmarshal(get(fmt.Sprintf("/.well-known/pressroom/log/consistency/%d/%d", old, size)), &cp) == nil, "consistency JSON")
		p := hashes(cp.Proof)
		err := tlog.CheckTree(p, size, root, old, trees[old-1])
		check(err == nil, "tlog.CheckTree(%d -> %d): %v", old, size, err)
		if len(p) > 0 {
			p[0][0] ^= 1
			check(tlog.CheckTree(p, size, root, old, trees[old-1]) != nil, "an altered consistency proof %d -> %d is refused", old, size)
		}
	}

	// Every release's proof bundle: its checkpoint opens with note, its
	// inclusion proof checks with tlog.CheckRecord.
	var list struct {
		Items []struct {
			ProofURL string `json:"proof_url"`
		} `json:"items"`
	}
	check(json.Unmarshal(get("/api/releases?limit=100"), &list) == nil, "release list JSON")
	check(len(list.Items) > 0, "the site has releases")
	for _, item := range list.Items {
		var b struct {
			Format     string   `json:"format"`
			Log        string   `json:"log"`
			Index      int64    `json:"index"`
			Leaf       string   `json:"leaf"`
			Inclusion  []string `json:"inclusion"`
			Checkpoint string   `json:"checkpoint"`
		}
		path := strings.TrimPrefix(item.ProofURL, base)
		check(json.Unmarshal(get(path), &b) == nil, "bundle JSON %s", path)
		bn, err := note.Open([]byte(b.Checkpoint), known)
		check(err == nil, "note.Open(bundle checkpoint %s): %v", path, err)
		if err != nil {
			continue
		}
		_, bsize, broot := parseCheckpoint(bn.Text)
		leaf, err := base64.StdEncoding.DecodeString(b.Leaf)
		check(err == nil, "leaf base64: %v", err)
		check(b.Index < size && tlog.RecordHash(leaf) == leafHashes[b.Index], "the bundle's leaf is entry %d of the log", b.Index)
		p := hashes(b.Inclusion)
		err = tlog.CheckRecord(tlog.RecordProof(p), bsize, broot, b.Index, tlog.RecordHash(leaf))
		check(err == nil, "tlog.CheckRecord(%s, index %d of %d): %v", path, b.Index, bsize, err)
		forged := append([]byte{}, leaf...)
		forged[len(forged)/2] ^= 0x20
		check(tlog.CheckRecord(tlog.RecordProof(p), bsize, broot, b.Index, tlog.RecordHash(forged)) != nil, "a changed statement is refused (%s)", path)
	}

	fmt.Printf("ledger interop: %d passed, %d failed\n", passed, failed)
	if failed > 0 {
		os.Exit(1)
	}
}
