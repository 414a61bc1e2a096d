package directory

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"
)

// FileFormat names the JSON directory file format.
const FileFormat = "interlend-directory/1"

// File is a JSON directory file: a consortium's published directory, or an
// export of ours.
type File struct {
	Format    string    `json:"format"`
	Publisher string    `json:"publisher,omitempty"` // who published it (a consortium)
	Generated time.Time `json:"generated,omitzero"`
	Libraries []Entry   `json:"libraries"`
}

// Positioned is an entry read from a file with its 1-based position, for
// error messages.
type Positioned struct {
	Entry    Entry
	Position int
	// Columns lists the CSV columns present and Cells their values (nil
	// for JSON, where every field of the entry is given).
	Columns []string
	Cells   map[string]string
	Line    int // CSV line
}

// Where describes the position for messages: "library 3" or "line 4".
func (p Positioned) Where() string {
	if p.Line > 0 {
		return fmt.Sprintf("line %d", p.Line)
	}
	return fmt.Sprintf("library %d", p.Position)
}

// ReadJSON reads a directory file: a File object or a bare array of
// entries. Unknown fields are errors (a misspelt field would otherwise be
// lost silently); an error names the library it occurred in.
func ReadJSON(r io.Reader) (meta File, entries []Positioned, err error) {
	br := bufio.NewReader(r)
	dec := json.NewDecoder(br)
	dec.DisallowUnknownFields()
	tok, err := dec.Token()
	if err != nil {
		return meta, nil, fmt.Errorf("directory file: not JSON: %w", err)
	}
	readArray := func() error {
		for n := 1; dec.More(); n++ {
			var e Entry
			if err := dec.Decode(&e); err != nil {
				return fmt.Errorf("directory file: library %d: %w", n, jsonErr(err))
			}
			entries = append(entries, Positioned{Entry: e, Position: n})
		}
		_, err := dec.Token() // ]
		return err
	}
	switch tok {
	case json.Delim('['):
		return File{Format: FileFormat}, entries, readArray()
	case json.Delim('{'):
	default:
		return meta, nil, errors.New("directory file: want a JSON object with \"libraries\" or an array of libraries")
	}
	for dec.More() {
		kt, err := dec.Token()
		if err != nil {
			return meta, nil, fmt.Errorf("directory file: %w", jsonErr(err))
		}
		key, _ := kt.(string)
		switch key {
		case "format":
			err = dec.Decode(&meta.Format)
		case "publisher":
			err = dec.Decode(&meta.Publisher)
		case "generated":
			err = dec.Decode(&meta.Generated)
		case "libraries":
			t, terr := dec.Token()
			if terr != nil || t != json.Delim('[') {
				return meta, nil, errors.New("directory file: \"libraries\" is an array")
			}
			err = readArray()
		default:
			return meta, nil, fmt.Errorf("directory file: unknown field %q", key)
		}
		if err != nil {
			return meta, nil, err
		}
	}
	if meta.Format != "" && meta.Format != FileFormat {
		return meta, nil, fmt.Errorf("directory file: format %q is not %s", meta.Format, FileFormat)
	}
	if meta.Format == "" {
		meta.Format = FileFormat
	}
	return meta, entries, nil
}

func jsonErr(err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Errorf("JSON syntax error at byte %d: %w", se.Offset, err)
	}
	return err
}

// WriteJSON writes a directory file. Entries are written as given: call
// Public on each for a file without credentials.
func WriteJSON(w io.Writer, f File) error {
	if f.Format == "" {
		f.Format = FileFormat
	}
	if f.Libraries == nil {
		f.Libraries = []Entry{}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(f); err != nil {
		return fmt.Errorf("directory file: %w", err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}
