package copyright

// WarningNoticeTitle and WarningNotice are the warning of copyright of 37 CFR
// 201.14 (US government text, public domain), to be shown prominently, boxed,
// near the submit button of every patron request form, in type no smaller
// than the form's main text (R12). Check the wording against the current eCFR
// before a release.
const (
	WarningNoticeTitle = "NOTICE: WARNING CONCERNING COPYRIGHT RESTRICTIONS"

	WarningNotice = "The copyright law of the United States (title 17, United States Code) governs the making of " +
		"photocopies or other reproductions of copyrighted material.\n\n" +
		"Under certain conditions specified in the law, libraries and archives are authorized to furnish " +
		"a photocopy or other reproduction. One of these specified conditions is that the photocopy or " +
		"reproduction is not to be \"used for any purpose other than private study, scholarship, or " +
		"research.\" If a user makes a request for, or later uses, a photocopy or reproduction for " +
		"purposes in excess of \"fair use,\" that user may be liable for copyright infringement.\n\n" +
		"This institution reserves the right to refuse to accept a copying order if, in its judgment, " +
		"fulfillment of the order would involve violation of copyright law."
)

// CopyLegend is the notice a lender puts on a delivered copy whose source
// shows no copyright notice (L2, §108(a)(3)); when the work carries its own
// notice, reproduce that instead. Interlend's wording.
const CopyLegend = "This copy was supplied by a library for private study, scholarship or research. " +
	"The work may be protected by copyright law (title 17, United States Code, and the laws of other " +
	"countries). Do not copy it further or pass it on except as the law allows."

// UKDeclarationVersion names the wording of UKDeclarationText; record it
// with each signed Declaration so a later change of wording stays traceable.
const UKDeclarationVersion = "interlend-uk-s42a-1"

// UKDeclarationText is the declaration a UK user confirms before a library
// supplies a copy under CDPA s.42A (as amended by SI 2014/1372). The law no
// longer prescribes a form; this covers what s.42A asks the library to be
// satisfied of. Interlend's wording, in plain English; not legal advice.
const UKDeclarationText = "Copyright declaration\n\n" +
	"I am asking the library for a copy of the material named in this request, and I confirm that:\n\n" +
	"1. I need the copy only for non-commercial research or for private study, and I will not use it for anything else.\n" +
	"2. No library has given me a copy of the same material before.\n" +
	"3. As far as I know, nobody I work or study with has asked, or means to ask, for a copy of substantially the " +
	"same material for substantially the same purpose at about the same time.\n" +
	"4. I understand that if any of this is untrue, the copy may infringe copyright and I may be liable for it, " +
	"as if I had made the copy myself.\n"
