package decode

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"

	"github.com/tcpstep/tcpstep/decode/capfile"
	"github.com/tcpstep/tcpstep/model"
)

// Input is an opened capture: a file, standard input spooled to a temporary
// file, or an embedded sample. It is random-access so that views can re-read
// one frame's bytes by offset instead of the timeline keeping them all.
type Input struct {
	name string
	ra   io.ReaderAt
	size int64    // the capture's length; -1 for a stream (see live)
	file *os.File // the open file, nil for bytes
	tmp  string   // a spool file to remove on Close
	// live is the reader of an input read as it arrives (standard input
	// spooled as it is read, a file followed as it grows), opened by the
	// check that its header is a capture's. Such an input is read once: by
	// the first Load, Feed or Index, which takes live.
	live *capfile.Reader
	// stop ends a followed file's wait for more data (Close).
	stop     chan struct{}
	stopOnce sync.Once
}

// Open opens a capture file and checks that it starts like one.
func Open(path string) (*Input, error) {
	f, size, err := openFile(path)
	if err != nil {
		return nil, err
	}
	in := &Input{name: path, ra: f, size: size, file: f}
	if err := in.check(); err != nil {
		f.Close()
		return nil, err
	}
	return in, nil
}

// OpenBytes opens a capture held in memory (an embedded sample).
func OpenBytes(name string, b []byte) (*Input, error) {
	in := &Input{name: name, ra: bytes.NewReader(b), size: int64(len(b))}
	if err := in.check(); err != nil {
		return nil, err
	}
	return in, nil
}

// OpenReader opens a stream (standard input) that is read as it arrives:
// what is read is spooled to a temporary file, so that frames can be
// revisited by offset while the rest is still coming. It returns once the
// stream's header shows a capture (with a pipe from a capture program, as
// soon as the program starts).
func OpenReader(name string, r io.Reader) (*Input, error) {
	f, err := os.CreateTemp("", "tcpstep-stdin-*.pcap")
	if err != nil {
		return nil, fmt.Errorf("%s: spool to a temporary file: %w", name, err)
	}
	// The spool is a copy of the traffic: it leaves the folder at once (an
	// open file stays readable after unlink on Unix), so no signal, crash
	// or kill -9 leaves it behind. Where an open file cannot be removed
	// (Windows), it is removed on Close.
	tmp := ""
	if err := os.Remove(f.Name()); err != nil {
		tmp = f.Name()
	}
	in := &Input{name: name, ra: f, size: -1, file: f, tmp: tmp}
	rd, err := capfile.NewReader(&spooler{src: r, dst: f})
	if err != nil {
		in.Close()
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	in.live = rd
	return in, nil
}

// OpenFollow opens a capture file that may still be growing (a capture
// program writing it): it is read like tail -f, frames being indexed as
// they are written, until Close.
func OpenFollow(path string) (*Input, error) {
	f, _, err := openFile(path)
	if err != nil {
		return nil, err
	}
	in := &Input{name: path, ra: f, size: -1, file: f, stop: make(chan struct{})}
	rd, err := capfile.NewReader(&follower{f: f, name: path, stop: in.stop})
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	in.live = rd
	return in, nil
}

// openFile opens a capture file read-only and returns its length, refusing
// a directory.
func openFile(path string) (*os.File, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, fmt.Errorf("%s: %w", path, unwrapPathError(err))
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, fmt.Errorf("%s: %w", path, unwrapPathError(err))
	}
	if st.IsDir() {
		f.Close()
		return nil, 0, fmt.Errorf("%s: is a directory, not a capture file", path)
	}
	return f, st.Size(), nil
}

// unwrapPathError drops the *PathError's repetition of the path, which the
// caller's message already names.
func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// check reads the file header so that "not a capture" is reported before
// anything else happens (in particular before the terminal is taken over).
func (in *Input) check() error {
	if in.size == 0 {
		return fmt.Errorf("%s: empty file, not a capture", in.name)
	}
	if _, err := capfile.NewReader(io.NewSectionReader(in.ra, 0, in.size)); err != nil {
		return fmt.Errorf("%s: %w", in.name, err)
	}
	return nil
}

// Name is the input as the user named it.
func (in *Input) Name() string { return in.name }

// Size is the capture's length in bytes, -1 for an input read as it
// arrives.
func (in *Input) Size() int64 { return in.size }

// Live reports whether the input is read as it arrives (standard input, a
// followed file) rather than being a file of known length.
func (in *Input) Live() bool { return in.size < 0 }

// Close releases the file and removes a spool file; a followed file's
// reader stops waiting for more.
func (in *Input) Close() error {
	if in.stop != nil {
		in.stopOnce.Do(func() { close(in.stop) })
	}
	var err error
	if in.file != nil {
		err = in.file.Close()
	}
	if in.tmp != "" {
		os.Remove(in.tmp)
	}
	return err
}

// progressEvery is how many frames pass between progress reports.
const progressEvery = 1 << 14

// sizeProbe is how many frames Load reads before it estimates the total.
const sizeProbe = 4096

// Load reads the whole capture into a timeline. progress, when not nil, is
// called now and then with the bytes read so far and the total. A capture cut
// short, or damaged, after some frames keeps those frames and says so in
// Timeline.Warnings; only a file that yields nothing usable is an error.
func (in *Input) Load(progress func(done, total int64)) (*model.Timeline, error) {
	b := model.NewBuilder()
	b.DeferSegs() // nothing reads the timeline before Finish
	if err := in.feed(b, progress, nil, true); err != nil {
		return nil, err
	}
	return b.Finish(), nil
}

// Feed files every frame of the capture with b, as Load does, and calls
// each(n) after frame n is filed, so that the caller can consume the
// timeline as it grows (with Builder.Final and Builder.Forget) instead of
// holding all of it. It does not call b.Finish. Problems with the file as a
// whole are b's warnings, as with Load.
func (in *Input) Feed(b *model.Builder, each func(n uint32)) error {
	return in.feed(b, nil, each, false)
}

// feed is Load and Feed: grow says whether to size the timeline for the
// whole capture once the first frames show their average length.
func (in *Input) feed(b *model.Builder, progress func(done, total int64), each func(n uint32), grow bool) error {
	r, err := in.reader()
	if err != nil {
		return err
	}
	ix := newIndexer(b)
	for n := 1; ; n++ {
		rec, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			b.Warn(readWarning(in.name, n, err))
			break
		}
		ix.add(uint32(n), rec)
		if each != nil {
			each(uint32(n))
		}
		if grow && n == sizeProbe {
			b.Grow(in.growHint(r.Offset()))
		}
		if progress != nil && n%progressEvery == 0 {
			progress(r.Offset(), in.size)
		}
	}
	ix.finish()
	if progress != nil {
		progress(r.Offset(), max(in.size, r.Offset()))
	}
	return nil
}

// growHint is how many more frames to make room for once the first
// sizeProbe frames have taken off bytes: the timeline is sized once from
// their average length, rather than letting a million appends grow it step
// by step. It is 0 when the capture's length is not known (a stream).
func (in *Input) growHint(off int64) int {
	if in.size <= 0 || off <= 0 {
		return 0
	}
	return int(float64(in.size)/float64(off)*sizeProbe*1.05) - sizeProbe
}

// reader returns a reader from the start of the capture: the live one for
// an input read as it arrives (once), else a fresh one over the file.
func (in *Input) reader() (*capfile.Reader, error) {
	if in.live != nil {
		r := in.live
		in.live = nil
		return r, nil
	}
	if in.size < 0 {
		return nil, fmt.Errorf("%s: a stream can be read only once", in.name)
	}
	r, err := capfile.NewReader(io.NewSectionReader(in.ra, 0, in.size))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", in.name, err)
	}
	return r, nil
}

// Frame re-reads one frame's bytes from the capture and dissects them.
func (in *Input) Frame(f *model.Frame) ([]byte, model.Dissection, error) {
	data, err := capfile.ReadFrame(in.ra, f.Offset, f.CapLen)
	if err != nil {
		return nil, model.Dissection{}, fmt.Errorf("%s: re-read frame at byte %d: %w", in.name, f.Offset, err)
	}
	return data, Dissect(f.LinkType, data), nil
}
