package pdf

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// maxTIFFPages bounds the IFD chain walked in one file.
const maxTIFFPages = 2000

// tiffIFDs returns the offsets of a TIFF's image file directories, one per
// page, in file order. golang.org/x/image/tiff decodes only the first
// directory; the others are reached by pointing the header at them.
func tiffIFDs(data []byte) ([]uint32, binary.ByteOrder, error) {
	if len(data) < 8 {
		return nil, nil, errors.New("TIFF: file too short")
	}
	var bo binary.ByteOrder
	switch string(data[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return nil, nil, errors.New("TIFF: bad byte-order mark")
	}
	if bo.Uint16(data[2:4]) != 42 {
		return nil, nil, errors.New("TIFF: not a classic TIFF (BigTIFF is not supported)")
	}
	var (
		offs []uint32
		seen = map[uint32]bool{}
	)
	for off := bo.Uint32(data[4:8]); off != 0; {
		if seen[off] {
			return nil, nil, fmt.Errorf("TIFF: directory chain loops at offset %d", off)
		}
		if len(offs) == maxTIFFPages {
			return nil, nil, fmt.Errorf("TIFF: more than %d pages", maxTIFFPages)
		}
		if uint64(off)+2 > uint64(len(data)) {
			return nil, nil, fmt.Errorf("TIFF: directory offset %d past end of file", off)
		}
		seen[off] = true
		offs = append(offs, off)
		n := uint64(bo.Uint16(data[off : off+2]))
		next := uint64(off) + 2 + 12*n
		if next+4 > uint64(len(data)) {
			return nil, nil, fmt.Errorf("TIFF: directory at offset %d runs past end of file", off)
		}
		off = bo.Uint32(data[next : next+4])
	}
	if len(offs) == 0 {
		return nil, nil, errors.New("TIFF: no image directory")
	}
	return offs, bo, nil
}

// tiffPages returns each page of a (possibly multi-page) TIFF as a TIFF
// file of its own. They share one copy of the data with the header
// re-pointed, so each must be used before the next is asked for: the
// returned function yields page i.
func tiffPages(data []byte) (count int, page func(i int) []byte, err error) {
	offs, bo, err := tiffIFDs(data)
	if err != nil {
		return 0, nil, err
	}
	if len(offs) == 1 {
		return 1, func(int) []byte { return data }, nil
	}
	scratch := append([]byte(nil), data...)
	return len(offs), func(i int) []byte {
		bo.PutUint32(scratch[4:8], offs[i])
		return scratch
	}, nil
}
