package marcgen

var titleWords = []string{
	"history", "of", "the", "library", "science", "theory", "modern", "practice", "introduction",
	"networks", "loan", "sharing", "resource", "data", "analysis", "methods", "culture", "society",
	"economics", "chemistry", "physics", "biology", "medicine", "law", "education", "music", "art",
	"war", "peace", "spring", "river", "city", "world", "new", "early", "late", "global", "local",
	"principles", "handbook", "journal", "review", "studies", "letters", "quarterly", "annals",
}

var surnames = []string{
	"Smith", "Carson", "Nguyen", "Okafor", "Raman", "Garcia", "Schmidt", "Dubois", "Rossi", "Kowalski",
	"Tanaka", "Ivanov", "Haddad", "Cohen", "Olsen", "Murphy", "Silva", "Chen", "Kim", "Patel",
}

var forenames = []string{
	"Rachel", "John", "Linh", "Adaeze", "Priya", "Maria", "Hans", "Claire", "Luca", "Anna",
	"Yuki", "Pavel", "Omar", "Miriam", "Lars", "Siobhan", "Joao", "Wei", "Min-jun", "Arjun",
}

var places = []string{"Boston", "New York", "London", "Paris", "Berlin", "Chicago", "Toronto", "Sydney", "Madrid", "Tokyo"}

var publishers = []string{
	"Houghton Mifflin", "Example Academic Press", "University Press", "Taylor & Francis",
	"Springer", "Wiley", "Penguin", "Routledge", "Elsevier", "Oxford University Press",
}

var subjects = []string{
	"Interlibrary loans", "Pesticides", "Libraries", "Chemistry", "World War, 1939-1945",
	"Climate change", "Music", "Education, Higher", "Economics", "Medicine",
}

var lcClasses = []string{"QH", "Z", "PR", "PS", "HD", "QA", "RC", "KF", "ML", "D", "BF", "TK"}

// nonASCIITitles are UTF-8 titles in several scripts.
var nonASCIITitles = []string{
	"Les misérables", "À la recherche du temps perdu", "Über die Natur der Dinge", "Cien años de soledad",
	"Война и мир", "Преступление и наказание", "Ἰλιάς", "Η Οδύσσεια", "源氏物語", "吾輩は猫である",
	"红楼梦", "삼국유사", "Smørrebrød og Æbleskiver", "Český les", "Łódź i okolice", "Ελληνική γραμματική",
}

// accentedWords and accentedSurnames use only letters that MARC-8 writes
// with ANSEL diacritics or ANSEL special letters (see encodeMARC8).
var accentedWords = []string{
	"école", "société", "über", "français", "niño", "Ångström", "Dvořák", "Málaga", "crème",
	"façade", "Zürich", "São", "hôtel", "naïve", "smørrebrød", "Łódź", "Æsir", "straße",
}

var accentedSurnames = []string{"Müller", "Gödel", "Peña", "Čapek", "Håkansson", "Émile", "Brontë", "Øvergaard"}
