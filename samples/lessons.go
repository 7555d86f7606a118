package samples

import (
	"embed"

	"github.com/tcpstep/tcpstep/lesson"
	"github.com/tcpstep/tcpstep/model"
)

// Each sample carries a short lesson, data/NAME.lesson.md beside
// data/NAME.pcap: a lesson file (package lesson, docs/lesson-format.md) as
// a teacher would write one for a capture of their own, and so an example
// to copy. The interface shows its notes in the lesson strip and the
// explanation pane at the steps they are about.
//
// Notes may state numbers, but only in forms the lesson check verifies
// against the decoded sample (lesson.CheckStrict, which TestLessonNumbers
// runs): "frame N", "SEQ N", "ACK N", "ISN N", "A = B + N", "N bytes",
// "port N", "window N", "scale N", "N ms", "MTU N", "ID 0x...", "offset
// N", addresses, and "N of the 11 states". Every frame a note names joins
// the frames whose values its numbers may be.
//
// Every number that depends on the numbering is written both ways,
// "{absolute|relative}", so a note reads right beside either; an ISN is
// the number on the wire in both. A lesson is absolute when its own
// numbers are (smtp-figure10, as the paper prints them; refused and
// isn-prediction, whose point is the SYN's number), and its sample is best
// opened so.

//go:embed data/*.lesson.md
var lessonFiles embed.FS

// Lesson returns the lesson of the named sample, read from its embedded
// file; each call gets its own copy.
func Lesson(name string) (model.Lesson, bool) {
	src, ok := LessonFile(name)
	if !ok {
		return model.Lesson{}, false
	}
	l, err := lesson.Parse("samples/data/"+name+".lesson.md", src)
	if err != nil {
		panic(err) // TestEveryLessonParses keeps this from happening
	}
	return l, true
}

// LessonFile returns the embedded lesson file of the named sample, as
// written.
func LessonFile(name string) ([]byte, bool) {
	b, err := lessonFiles.ReadFile("data/" + name + ".lesson.md")
	if err != nil {
		return nil, false
	}
	return b, true
}
