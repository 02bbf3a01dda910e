package extract

import "strings"

// Word lists of the languages other than English that news collections carry most
// (German, French, Spanish, Italian, Portuguese, Dutch, Czech, Polish): the titles
// and role nouns written before a name, the function words that open a sentence,
// the national adjectives that open the names of companies, and the words of the
// names of palaces, councils and forces. Like the English lists they are facts of
// the languages, not of any collection. They are added to the same word classes,
// so "Finanzminister Christian Lindner", "la ministra Yolanda Díaz" and "Premiér
// Petr Fiala" are read as "President Joe Biden" is.
const (
	intlTitleWords = `herr frau präsident präsidentin bundespräsident bundespräsidentin kanzler kanzlerin
	bundeskanzler bundeskanzlerin ministerin ministerpräsident ministerpräsidentin bürgermeister
	bürgermeisterin oberbürgermeister oberbürgermeisterin vorsitzende vorsitzender parteichef parteichefin
	sprecherin politiker politikerin abgeordnete abgeordneter staatssekretär staatssekretärin senatorin
	landrat landrätin botschafter botschafterin
	mme. président présidente ministre maire sénateur sénatrice député députée porte-parole
	secrétaire générale juge
	presidenta ministro ministra alcalde alcaldesa diputado diputada senador senadora portavoz
	gobernador gobernadora señor señora sr. sra. doña líder secretario secretaria jueza canciller
	consejero consejera
	sindaco sindaca onorevole signor signora senatrice deputato deputata segretario
	governador governadora prefeito prefeita deputado deputada senhor senhora juiz juíza
	premiér premiérka prezident prezidentka ministr ministryně předseda předsedkyně
	poslanec poslankyně starosta starostka hejtman hejtmanka senátor senátorka kancléř
	prezydent poseł posłanka marszałek wojewoda burmistrz prezes
	minister-president burgemeester mevrouw staatssecretaris wethouder kamerlid statsminister`
	// intlTitleTails end the compound titles of German, Dutch and the Nordic
	// languages (Finanzminister, Regierungssprecher, Parteivorsitzende,
	// Vizekanzler): a word that ends in one after a word of its own is a title.
	intlTitleTails = `minister ministerin kanzler kanzlerin präsident präsidentin sprecher sprecherin
	vorsitzende vorsitzender chef chefin sekretär sekretärin bürgermeister bürgermeisterin`
	intlStopWords = `die das dem ein eine einer einem einen und oder aber mit für auf im zum zur bei nach
	aus über unter vor nicht auch laut wie wenn als
	les une et ou au aux pour avec sur dans par selon mais
	una con por para en sobre según pero
	gli un nel nella della delle dei degli per secondo ma
	os um uma em nos nas pelo pela mas
	het een en op voor maar volgens`
	intlNationalityWords = `deutsche deutscher deutschen deutsches europäische europäischen française
	français francais française européenne española español española europea europeo italiano
	italiana italiane italiani brasileira brasileiro portuguesa português nederlandse česká český
	polska polski`
	intlOrgWords = `palais palazzo palácio schloss platz praça rue avenida viale straße strasse
	consiglio conseil consejo conselho regierung bundesregierung gouvernement gobierno governo bundestag
	bundesrat landtag sejm senado sénat senato assemblée asamblea assemblea congreso congresso tribunale
	polizei policía polícia policia gendarmerie ejército exército armée esercito bundeswehr
	sparkasse estadio stade stadio stadion iglesia église kirche catedral cathédrale hôpital
	ospedale krankenhaus klinikum museo musée museu ayuntamiento mairie rathaus comune câmara
	comisión comissão commissione kommission cour gericht bundesgerichtshof hrad hradě sněmovna
	sněmovny senát vláda vlády`
)

// germanWords are function words of German that English, French and Dutch do
// not share: where they are common, the text capitalizes every noun, and a
// capital shows no name (see personExtractor.nounCaps).
const germanWords = `und der das ist nicht sich mit auf für eine einer einem einen auch wird sind wurde
	werden dem des zum zur bei nach über oder aber noch nur vom wie sie wir ich`

// intlTitleTail reports whether the lower-case word w is a compound title of
// German, Dutch or a Nordic language: a title tail after at least three letters
// of its own ("finanzminister", "regierungssprecher"), not a word that merely
// ends in one ("administer").
func intlTitleTail[W string | []byte](lx *lexicon, w W) bool {
	for _, tail := range lx.titleTails {
		if n := len(w) - len(tail); n >= 3 && string(w[n:]) == tail && string(w[n-2:n]) != "ad" {
			return true
		}
	}
	return false
}

// addIntl adds the words of list to class, except those the name lexicons put
// in a class of except: "Una" and "Rue" stay given names, "Das" and "Ou"
// surnames, though they are also words of Spanish, French and German. (Only
// function words are kept from surnames: the surname lexicon holds words of
// every language, Consiglio among them.)
func (lx *lexicon) addIntl(list string, class, except uint32) {
	for _, w := range strings.Fields(list) {
		if lx.words[w]&except == 0 {
			lx.words[w] |= class
		}
	}
}
