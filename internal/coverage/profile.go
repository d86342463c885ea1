package coverage

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path"
	"sort"
	"strconv"
	"strings"
)

// Block is one line of a text coverage profile:
// "import/path/file.go:12.3,14.9 2 1".
type Block struct {
	File  string // import path of the package plus the file name
	Pos   string // "startLine.startCol,endLine.endCol"
	Stmts int64
	Count int64
}

func (b Block) key() string    { return b.File + ":" + b.Pos }
func (b Block) pkg() string    { return path.Dir(b.File) }
func (b Block) covered() bool  { return b.Count > 0 }
func (b Block) String() string { return fmt.Sprintf("%s:%s %d %d", b.File, b.Pos, b.Stmts, b.Count) }

// Profile is a text profile with each block once (counts of repeated lines
// are summed, as `go tool cover` does).
type Profile struct {
	Mode   string
	blocks map[string]Block
}

// NewProfile returns an empty profile in the given mode.
func NewProfile(mode string) *Profile { return &Profile{Mode: mode, blocks: map[string]Block{}} }

// ReadProfile reads a text profile; a missing file is an empty profile,
// because a part that failed to build leaves none.
func ReadProfile(name string) (*Profile, error) {
	f, err := os.Open(name)
	if os.IsNotExist(err) {
		return NewProfile("atomic"), nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	p, err := ParseProfile(f)
	if err != nil {
		return nil, fmt.Errorf("read profile %s: %w", name, err)
	}
	return p, nil
}

// ParseProfile parses the text profile format of `go tool covdata textfmt`
// and `go test -coverprofile`.
func ParseProfile(r io.Reader) (*Profile, error) {
	p := NewProfile("atomic")
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1024*1024), 1024*1024)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		if mode, ok := strings.CutPrefix(line, "mode: "); ok {
			p.Mode = mode
			continue
		}
		// The file name may contain colons; the position and counts may not.
		i := strings.LastIndex(line, ":")
		fields := strings.Fields(line[i+1:])
		if i < 0 || len(fields) != 3 {
			return nil, fmt.Errorf("line %d: not a coverage block: %q", n, line)
		}
		stmts, err1 := strconv.ParseInt(fields[1], 10, 64)
		count, err2 := strconv.ParseInt(fields[2], 10, 64)
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("line %d: bad counts: %q", n, line)
		}
		p.Add(Block{File: line[:i], Pos: fields[0], Stmts: stmts, Count: count})
	}
	return p, sc.Err()
}

// Add merges one block into the profile.
func (p *Profile) Add(b Block) {
	if old, ok := p.blocks[b.key()]; ok {
		b.Count += old.Count
	}
	p.blocks[b.key()] = b
}

// Files returns the set of files the profile has blocks for.
func (p *Profile) Files() map[string]bool {
	files := map[string]bool{}
	for _, b := range p.blocks {
		files[b.File] = true
	}
	return files
}

// FillMissingFiles adds, at count 0, the blocks of every file of from that p
// lacks entirely. It is how packages that never wrote binary data (no test
// files, or not linked into any test binary of a part) still count.
func (p *Profile) FillMissingFiles(from *Profile) {
	have := p.Files()
	for _, b := range from.blocks {
		if !have[b.File] {
			b.Count = 0
			p.Add(b)
		}
	}
}

// Blocks returns the blocks sorted by file and position.
func (p *Profile) Blocks() []Block {
	out := make([]Block, 0, len(p.blocks))
	for _, b := range p.blocks {
		out = append(out, b)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].File != out[j].File {
			return out[i].File < out[j].File
		}
		return out[i].Pos < out[j].Pos
	})
	return out
}

// Len is the number of distinct blocks.
func (p *Profile) Len() int { return len(p.blocks) }

// WriteFile writes the profile in text format.
func (p *Profile) WriteFile(name string) error {
	var sb strings.Builder
	fmt.Fprintf(&sb, "mode: %s\n", p.Mode)
	for _, b := range p.Blocks() {
		sb.WriteString(b.String())
		sb.WriteByte('\n')
	}
	if err := os.WriteFile(name, []byte(sb.String()), 0o644); err != nil {
		return fmt.Errorf("write profile %s: %w", name, err)
	}
	return nil
}

// Stmts counts covered and total statements per package, over the blocks of
// universe: a block of universe that p lacks counts as not covered. Using one
// universe for every part makes their totals comparable.
func (p *Profile) Stmts(universe *Profile) (perPkg map[string][2]int64, total [2]int64) {
	perPkg = map[string][2]int64{}
	for k, u := range universe.blocks {
		c := perPkg[u.pkg()]
		c[1] += u.Stmts
		total[1] += u.Stmts
		if b, ok := p.blocks[k]; ok && b.covered() {
			c[0] += u.Stmts
			total[0] += u.Stmts
		}
		perPkg[u.pkg()] = c
	}
	return perPkg, total
}

// Percent is covered/total as a percentage; an empty set is 0%.
func Percent(c [2]int64) float64 {
	if c[1] == 0 {
		return 0
	}
	return 100 * float64(c[0]) / float64(c[1])
}
