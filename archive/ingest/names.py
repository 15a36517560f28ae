"""Word lists the people finder uses: given names, honorifics, role words, places, organisations.

Plain data, kept apart from the rules so it can grow without touching them.
"""

GIVEN_NAMES = set(
    """
aaron abby abdul abdullah abe abigail adam adrian ahmed aidan aisha alan albert alberto alec
alejandro aleksandr alex alexander alexandra alexandre alexei alexey alfred ali alice alicia
alison allen amanda amber amir amy ana anatoly andre andrea andreas andrei andres andrew andrzej
andy angela angelina angus anita ann anna annalena anne annie anthony antonio antony april
archie ariel arnold arthur ashley ashraf barack barbara barry beata beatrice ben benjamin
benny bernard bernie beto betsy beth betty bill billy bob bobby boris brad bradley brandon
brenda brett brian bruce bryan byron camilla carl carla carlos carly carmen carol caroline
catherine cecilia charles charlie charlotte chelsea cheryl chris christian christina
christine christopher chuck cindy claire clara claude colin connor corey cory craig cristina
cynthia dale dan dana daniel danny darren dave david dean debbie deborah denis dennis derek
diana diane dick dmitri dmitry dominic don donald donna doug douglas duncan dwight ed eddie
edward elaine eleanor elena elijah elizabeth ellen elon emily emma emmanuel enrique eric erik
ethan eugene eva evan evelyn fatima felix fernando fiona francesco francis francois frank
franz fred frederick gabriel gary gavin george georgia gerald gerhard gina giorgia giuseppe
glenn gordon grace graham greg gregory guy hakeem hans harold harriet harry hassan heather
hector heidi helen helmut henry herbert hilary hillary howard hugh hugo ian igor ilya ingrid
isaac isabel ivan jack jackie jacob jacques jake james jamie jan jane janet janice jared jason
javier jay jean jean-claude jean-luc jean-marie jean-pierre jean-yves jeb jeff jeffrey jen
jennifer jens jeremy jerome jerry jess jessica jill jim jimmy jo joan joanna joaquin jodi joe
joel johann johannes john johnny jon jonathan jordan jorge jose josep joseph josh joshua joyce
juan judith judy julia julian julie justin kamala karen karin karl kate katherine kathleen
kathy katie kay keir keith kelly ken kenneth kevin kieran kim kimberly kirsten klaus kristi
kristen kurt kyle lara larry laura lauren lee leo leon leonard lesley leslie liam linda lindsey
lisa liz liza lloyd lois lord lorenzo louis louise lucas lucy luis luke lyndon madeleine
maggie malcolm manuel marc marco marcus margaret maria marie marina mario marion mark marsha
martha martin mary matt matteo matthew maureen max maxim melania melissa michael michel
michele michelle miguel mike mikhail mitch mitt mohammed mohammad muhammad nadia nancy naomi
natalia natalie nathan neil nicholas nick nicola nicolas nicole nigel nikita nikki nina noah
norman olaf oleg oliver olivia omar oscar owen pablo pamela pat patricia patrick paul paula
pedro penny pete peter petr philip phil pierre priti rachel rafael rahm ralph ramzan randy ray
raymond rebecca recep reince richard rick rishi rob robert roberto robin rod roger roland ron
ronald rory rosa rose ross roy ruby rudy rupert russell ruth ryan sadiq sajid sally sam samantha
samuel sandra sara sarah scott sean sebastian serge sergei sergey shannon sharon shaun sheila
shinzo silvio simon sophie stanley stefan stephanie stephen steve steven stuart sue susan
suzanne svetlana tammy tanya ted teresa terry theresa thomas tim timothy tina todd tom tommy
tony tracy tulsi ursula valerie vanessa vasile victor victoria viktor vincent vitali vitaly
vladimir volodymyr walter wang wayne wendy william willie xavier xi yair yasmin yulia yuri
yves zach zachary zoe
""".split()
)

HONORIFICS = {
    "mr", "mrs", "ms", "miss", "dr", "sir", "dame", "lord", "lady", "prof", "professor", "rev",
    "sen", "rep", "gov", "gen", "col", "capt", "lt", "sgt", "adm", "pres", "hon", "mx", "messrs",
}  # fmt: skip

ROLE_WORDS = {
    "president", "prime", "minister", "secretary", "chancellor", "spokesman", "spokesperson",
    "spokeswoman", "mayor", "senator", "governor", "general", "king", "queen", "prince",
    "princess", "pope", "judge", "justice", "foreign", "state", "defence", "defense", "chief",
    "speaker", "leader", "ambassador", "commissioner", "representative", "congressman",
    "congresswoman", "vice", "deputy", "former", "director", "chairman", "chairwoman", "chair",
    "sheriff", "attorney", "officer", "colonel", "captain", "lieutenant", "sergeant", "admiral",
    "candidate", "presidential", "health", "home", "interior", "finance", "treasury", "labor",
    "labour", "justice", "education", "economy", "trade", "energy", "army", "opposition",
    "majority", "minority", "house", "senate", "republican", "democratic", "democrat", "gop",
    "conservative", "tory", "leader", "boss", "coach", "manager", "ceo", "founder", "executive",
    "adviser", "advisor", "envoy", "diplomat", "first", "lady", "dutchess", "duchess", "duke",
    "emperor", "ayatollah", "sheikh", "crown", "supreme", "chairperson", "cardinal", "bishop",
    "archbishop", "father", "saint", "st", "premier", "councillor", "councilman", "mp", "mep",
    "sen", "rep", "gov", "lt", "gen", "dr", "mr", "mrs", "ms", "sir", "dame", "lord",
}  # fmt: skip

DEMONYMS = {
    "american", "british", "english", "scottish", "welsh", "irish", "french", "german",
    "russian", "ukrainian", "polish", "italian", "spanish", "portuguese", "dutch", "belgian",
    "swiss", "austrian", "swedish", "norwegian", "danish", "finnish", "estonian", "latvian",
    "lithuanian", "belarusian", "hungarian", "czech", "slovak", "romanian", "bulgarian", "greek",
    "turkish", "israeli", "palestinian", "iranian", "iraqi", "syrian", "saudi", "egyptian",
    "chinese", "japanese", "korean", "indian", "pakistani", "afghan", "australian", "canadian",
    "mexican", "brazilian", "argentine", "european", "western", "eastern", "us", "u.s", "uk",
    "u.k", "eu", "un", "nato", "kremlin", "soviet",
}  # fmt: skip

PLACES = {
    "afghanistan", "albania", "algeria", "america", "argentina", "armenia", "australia",
    "austria", "azerbaijan", "belarus", "belgium", "bosnia", "brazil", "britain", "bulgaria",
    "canada", "chile", "china", "colombia", "croatia", "cuba", "cyprus", "czechia", "denmark",
    "egypt", "england", "estonia", "ethiopia", "europe", "finland", "france", "georgia",
    "germany", "greece", "hungary", "india", "indonesia", "iran", "iraq", "ireland", "israel",
    "italy", "japan", "jordan", "kazakhstan", "kenya", "korea", "kosovo", "latvia", "lebanon",
    "libya", "lithuania", "luxembourg", "mexico", "moldova", "montenegro", "morocco",
    "netherlands", "nigeria", "norway", "pakistan", "palestine", "poland", "portugal", "qatar",
    "romania", "russia", "scotland", "serbia", "slovakia", "slovenia", "somalia", "spain",
    "sudan", "sweden", "switzerland", "syria", "taiwan", "turkey", "turkiye", "ukraine", "venezuela",
    "vietnam", "wales", "yemen", "africa", "asia", "crimea", "donbas", "donetsk", "luhansk",
    "kherson", "moscow", "kyiv", "kiev", "minsk", "paris", "london", "berlin", "washington",
    "brussels", "warsaw", "rome", "madrid", "vienna", "beijing", "tokyo", "tehran", "baghdad",
    "damascus", "jerusalem", "ankara", "istanbul", "new", "york", "los", "angeles", "chicago",
    "texas", "california", "florida", "iowa", "ohio", "virginia", "carolina", "hampshire",
    "nevada", "michigan", "pennsylvania", "wisconsin", "arizona", "alabama", "kentucky",
    "tennessee", "massachusetts", "normandy", "atlantic", "pacific", "mediterranean", "baltic",
    "belfast", "dublin", "edinburgh", "geneva", "munich", "odessa", "kharkiv", "mariupol",
    "canakkale", "lasna", "rzeszow", "greenland", "westminster", "whitehall", "brexit", "covid",
    "holland", "ottawa", "sydney", "delhi", "mumbai", "cairo", "riyadh", "dubai", "doha", "gaza",
}  # fmt: skip

# Words that make a capitalised run an organisation, a place or a thing, not a person.
ORG_WORDS = {
    "news", "street", "palace", "house", "republic", "republics", "ministry", "party", "union",
    "council", "commission", "agreement", "agreements", "airport", "sea", "strait", "navy",
    "force", "forces", "army", "area", "peninsula", "stream", "podcasts", "podcast", "journal",
    "times", "post", "university", "institute", "foundation", "committee", "department", "court",
    "senate", "congress", "bank", "group", "inc", "ltd", "corp", "company", "association",
    "agency", "office", "church", "school", "college", "center", "centre", "club", "league", "cup",
    "games", "olympics", "summit", "conference", "county", "city", "states", "island", "islands",
    "mountain", "river", "lake", "valley", "bay", "coast", "square", "road", "avenue", "hall",
    "tower", "bridge", "station", "hotel", "hospital", "prison", "museum", "library", "gallery",
    "theatre", "theater", "stadium", "park", "channel", "tv", "radio", "network", "media",
    "press", "review", "magazine", "daily", "online", "live", "gazette", "herald", "tribune",
    "express", "mail", "mirror", "guardian", "telegraph", "independent", "chronicle", "observer",
    "democrats", "republicans", "people", "nations", "united", "kingdom", "organisation",
    "organization", "alliance", "treaty", "accords", "accord", "format", "charter", "act", "bill",
    "law", "war", "day", "week", "month", "year", "april", "monday", "tuesday", "wednesday",
    "thursday", "friday", "saturday", "sunday", "january", "february", "march", "june", "july",
    "august", "september", "october", "november", "december", "boeing", "airbus", "globemaster",
    "presence", "training", "armed", "defense", "defence", "security", "service", "services",
    "police", "guard", "corps", "fleet", "command", "brigade", "division", "battalion", "regiment",
    "twitter", "facebook", "instagram", "youtube", "google", "apple", "spotify", "microsoft",
    "amazon", "reuters", "associated", "afp", "bbc", "cnn", "abc", "cbs", "nbc", "fox", "sky",
    "msnbc", "npr", "pbs", "al", "jazeera", "politico", "breitbart", "huffpost", "dimanche",
    "elysee", "kremlin", "downing", "capitol", "pentagon", "nato", "osce", "eu", "un", "uk", "us",
    "gop", "ii", "iii", "iv", "st", "fc", "jr", "sr", "plc", "llc", "ag", "sa", "ministries",
    "airlines", "motors", "times", "index", "fund", "capital", "partners", "holdings",
    "administration", "government", "parliament", "assembly", "cabinet", "embassy", "consulate",
    "democratic", "republican", "conservative", "labour", "labor", "liberal", "green", "greens",
    "caucus", "campaign", "foundation", "initiative", "project", "program", "programme",
    "northern", "southern", "eastern", "western", "central", "north", "south", "east", "west",
    "super", "royal", "black", "red", "white", "blue", "crimean", "enhanced", "forward",
}  # fmt: skip

# Capitalised words that start sentences or headlines and are never part of a name.
STOP = {
    "the", "a", "an", "and", "but", "or", "if", "in", "on", "at", "of", "for", "to", "by",
    "with", "from", "as", "after", "before", "during", "while", "when", "where", "why", "how",
    "what", "who", "which", "this", "that", "these", "those", "there", "here", "it", "its", "he",
    "she", "they", "we", "i", "you", "his", "her", "their", "our", "my", "your", "however",
    "meanwhile", "also", "last", "later", "earlier", "since", "until", "according", "both",
    "all", "some", "many", "most", "more", "such", "so", "then", "than", "not", "no", "yes",
    "over", "under", "about", "against", "between", "among", "into", "through", "despite",
    "although", "though", "because", "unlike", "like", "one", "two", "three", "several", "each",
    "every", "other", "another", "any", "asked", "speaking", "addressing", "accusing",
    "concluding", "following", "engaging", "repeatedly", "ahead", "via", "per", "yet", "even",
    "just", "only", "now", "today", "yesterday", "tomorrow", "tonight", "read", "watch", "see",
    "said", "says", "told", "added", "dear", "thank", "thanks", "please", "well", "oh", "let",
    "do", "don’t", "don't", "we’re", "i’m", "it’s", "that’s", "there’s", "here’s", "mr", "mrs",
    "ms", "with", "without", "within", "upon", "would", "could", "should", "will", "can", "may",
    "might", "must", "was", "were", "is", "are", "be", "been", "has", "have", "had", "did",
    "does", "new", "old", "former", "late", "young", "top", "senior", "junior", "chief",
}  # fmt: skip
