package app

// CopyNoticeRegimeForTest exposes copyNoticeRegime to the app_test package.
var CopyNoticeRegimeForTest = copyNoticeRegime
