"""A small, versioned, multilingual lexicon of mentoring topics ("concepts").

The sentence encoder (matching/semantic.py) does the heavy lifting of matching by meaning; these
concepts add two things it cannot: a plain-word *name* for why a mentor fits ("Coaches public
speaking, which matches your goal"), and a second, topic-level similarity that is robust when a
goal is phrased as a feeling ("I freeze in front of the board") rather than a skill.

Each concept's vector is the normalised mean of its phrases' sentence embeddings, so phrases in
several languages pull the concept towards what it means, not how it is spelled. The phrases are
general descriptions of each topic written from both sides (what a mentee says, what a mentor
offers); they are NOT copied from the evaluation set (matching/eval_data.py), which is checked
against them in bench/matching_quality.py. Bump LEXICON_VERSION when phrases change: cached
concept vectors are keyed by it.
"""

from __future__ import annotations

from dataclasses import dataclass

LEXICON_VERSION = "2026-11-26.3"


@dataclass(frozen=True)
class Concept:
    key: str
    offer: str  # completes "<offer>, which matches your goal", e.g. "Coaches public speaking"
    phrases: tuple[str, ...]


CONCEPTS: tuple[Concept, ...] = (
    Concept("public_speaking", "Coaches public speaking", (
        "public speaking coach", "nervous presenting in front of people", "stage fright",
        "presentation skills and confident delivery", "miedo a hablar en público", "Lampenfieber bei Vorträgen",
        "prendre la parole en public", "falar em público sem nervosismo", "anxiety before a presentation",
        "speaking up in front of executives", "nervios al presentar", "Angst vor Publikum",
        "trac avant une présentation",
    )),
    Concept("negotiation", "Helps with negotiation", (
        "negotiation skills", "salary negotiation and asking for a raise", "negotiating a job offer",
        "negociar el salario", "Gehaltsverhandlung", "négocier son salaire", "negociar salário e proposta",
        "getting paid what I am worth", "a lowball offer", "pay rise conversation with my manager",
        "pedir un aumento", "mehr Gehalt fordern", "demander une augmentation", "pedir aumento",
    )),
    Concept("leadership", "Coaches new managers and leaders", (
        "leadership and people management", "first-time manager managing a team", "leading former peers",
        "liderazgo de equipos", "Führungskraft werden und ein Team führen", "devenir manager",
        "liderança e gestão de pessoas", "managing my first team", "delegating work to my reports",
        "motivating a team", "gestionar a mi equipo", "Mitarbeiterführung", "gérer une équipe",
    )),
    Concept("career_change", "Guides career changes", (
        "career change into a new field", "switching careers", "transition from one profession to another",
        "cambiar de carrera", "beruflicher Quereinstieg", "reconversion professionnelle", "mudar de carreira",
        "transição de carreira", "leaving my profession to start over in tech", "changing industries mid-career",
        "retraining for a new job", "dejar mi trabajo para empezar en tecnología", "Umschulung", "changer de métier",
        "recomeçar em outra área",
    )),
    Concept("system_design", "Teaches system design and architecture", (
        "system design and software architecture", "scalable distributed systems", "designing backend services",
        "handling high traffic and scaling", "diseño de sistemas escalables", "Softwarearchitektur",
        "architecture logicielle", "arquitetura de sistemas distribuídos",
        "scaling a web service to millions of users", "database design and caching",
        "microservices and architecture decisions", "escalar un sistema", "Systementwurf", "concevoir un système",
    )),
    Concept("fundraising", "Advises on fundraising", (
        "raising venture capital", "pitching to investors", "seed round and series A fundraising",
        "levantar capital para una startup", "Finanzierungsrunde und Investoren", "lever des fonds",
        "captar investimento para startup", "talking to angel investors", "preparing a pitch deck",
        "running out of money before the next round", "buscar inversores", "Kapital für mein Startup",
        "trouver des investisseurs",
    )),
    Concept("interviewing", "Prepares people for job interviews", (
        "job interview preparation", "coding interviews and mock interviews", "behavioral interview practice",
        "preparar entrevistas de trabajo", "Vorstellungsgespräch vorbereiten", "préparer un entretien d'embauche",
        "preparação para entrevista de emprego", "failing technical interviews", "practising algorithm questions",
        "onsite interview loop", "entrevista técnica", "technisches Interview", "entretien technique",
    )),
    Concept("product_management", "Mentors product managers", (
        "product management", "product roadmap and prioritisation", "becoming a product manager",
        "gestión de producto", "Produktmanagement", "gestion de produit", "gestão de produto",
        "deciding what to build next", "working with engineers and stakeholders on a product", "ser product manager",
        "Produktmanager werden", "devenir chef de produit",
    )),
    Concept("ux_design", "Mentors UX and product designers", (
        "user experience design", "UX research and usability", "design portfolio review",
        "diseño de experiencia de usuario", "UX-Design", "conception UX", "design de experiência do usuário",
        "design portfolio and case studies", "user interface design", "usability testing with users",
        "portafolio de diseño", "Designportfolio", "portfolio de design",
    )),
    Concept("data_science", "Mentors data scientists", (
        "data science and machine learning", "statistics and predictive models", "becoming a data scientist",
        "ciencia de datos", "Datenanalyse und maschinelles Lernen", "science des données", "ciência de dados",
        "learning statistics and Python for data", "becoming a data analyst", "análisis de datos",
        "Datenwissenschaft", "analyse de données", "análise de dados",
    )),
    Concept("marketing", "Advises on marketing and growth", (
        "marketing strategy and growth", "getting customers and brand awareness", "customer acquisition",
        "digital marketing and SEO", "estrategia de marketing", "Marketingstrategie", "stratégie marketing",
        "estratégia de marketing", "nobody knows about our product", "finding our first users",
        "content marketing and social media", "conseguir clientes", "Kunden gewinnen", "trouver des clients",
    )),
    Concept("sales", "Coaches sales", (
        "sales and closing deals", "B2B selling and sales pipeline", "cold outreach to prospects",
        "ventas y cerrar tratos", "Vertrieb und Verkauf", "vente et prospection", "vendas e prospecção",
        "selling to enterprise customers", "sales calls and demos", "vender a empresas", "Verkaufsgespräche",
        "négociation commerciale",
    )),
    Concept("entrepreneurship", "Mentors founders", (
        "starting a company", "founder building a startup", "finding product-market fit",
        "emprender y crear una empresa", "ein Unternehmen gründen", "créer son entreprise",
        "empreender e abrir empresa", "quitting my job to start a business", "validating a startup idea",
        "early-stage company building", "montar un negocio", "Selbstständigkeit", "lancer une startup",
    )),
    Concept("work_life_balance", "Helps with burnout and balance", (
        "burnout and exhaustion at work", "work-life balance and stress", "setting boundaries with work",
        "agotamiento laboral", "Burnout und Stress im Job", "épuisement professionnel", "esgotamento e estresse",
        "always tired and unmotivated at work", "working late every night", "I want to quit because of stress",
        "cansancio y estrés laboral", "völlig erschöpft von der Arbeit", "surmenage", "cansaço no trabalho",
    )),
    Concept("communication", "Coaches workplace communication", (
        "communication skills at work", "giving and receiving feedback", "difficult conversations with colleagues",
        "comunicación en el trabajo", "Kommunikation im Team", "communication au travail", "comunicação no trabalho",
        "explaining my ideas clearly", "being heard in meetings", "conflict with a coworker", "comunicar mejor",
        "sich durchsetzen im Meeting", "mieux communiquer",
    )),
    Concept("promotion", "Helps people grow to the next level", (
        "getting promoted to senior or staff", "career growth and visibility", "career ladder and promotion case",
        "conseguir un ascenso", "Beförderung und Karriereentwicklung", "obtenir une promotion",
        "conseguir uma promoção", "stuck at the same level for years", "getting recognised for my work",
        "senior engineer promotion", "crecer profesionalmente", "Karrieresprung", "évoluer dans ma carrière",
    )),
    Concept("frontend", "Mentors front-end developers", (
        "frontend web development", "JavaScript, React and CSS", "building user interfaces in the browser",
        "web performance and page load speed", "desarrollo frontend", "Frontend-Entwicklung",
        "développement front-end", "desenvolvimento front-end", "slow website and large JavaScript bundles",
        "CSS layout and responsive design", "single-page applications", "aplicaciones web", "Webentwicklung",
        "développement web",
    )),
    Concept("devops", "Mentors DevOps and cloud engineers", (
        "DevOps, CI/CD and cloud infrastructure", "Kubernetes and deployments", "containers and Docker",
        "site reliability and on-call", "infraestructura en la nube", "Cloud-Infrastruktur", "infrastructure cloud",
        "infraestrutura em nuvem", "infrastructure as code and Terraform", "despliegues y contenedores",
        "Deployment-Pipelines", "déploiement continu",
    )),
    Concept("security", "Mentors security engineers", (
        "cybersecurity and application security", "penetration testing and threat modelling",
        "security engineering career", "ciberseguridad", "IT-Sicherheit", "cybersécurité", "segurança da informação",
        "keeping our application safe from attacks", "moving into a security role",
        "vulnerabilities and security reviews", "seguridad informática", "Sicherheitslücken",
        "sécurité des applications",
    )),
    Concept("finance", "Advises on finance", (
        "finance, accounting and budgeting", "financial modelling and business cases", "understanding a P&L",
        "finanzas y contabilidad", "Finanzen und Buchhaltung", "finance et comptabilité", "finanças e contabilidade",
        "budgeting and forecasting for a company", "reading financial statements", "presupuesto de la empresa",
        "Budgetplanung", "budget et trésorerie", "fluxo de caixa",
    )),
    Concept("writing", "Coaches writing", (
        "writing clearly", "technical writing and documentation", "design documents and internal docs",
        "blogging and writing a book", "escribir mejor", "besser schreiben", "écrire clairement", "escrever melhor",
        "documents nobody reads", "writing proposals and specs", "clear written communication", "redactar documentos",
        "Dokumentation schreiben", "rédaction technique",
    )),
    Concept("networking", "Helps with networking and personal brand", (
        "professional networking", "building a personal brand on LinkedIn", "meeting people in the industry",
        "hacer contactos profesionales", "berufliches Netzwerk aufbauen", "réseautage professionnel",
        "networking profissional", "I don't know anyone in the industry", "growing my professional network",
        "reaching out to people for advice", "ampliar mi red de contactos", "Kontakte knüpfen",
        "développer son réseau",
    )),
    Concept("remote_work", "Advises on remote and international work", (
        "working remotely", "relocating abroad for work", "getting a job in another country", "trabajar en remoto",
        "im Ausland arbeiten", "travailler à l'étranger", "trabalhar no exterior", "finding a remote job",
        "moving to another country for a job", "working across time zones", "trabajo remoto", "Remote-Arbeit",
        "télétravail",
    )),
    Concept("confidence", "Coaches confidence and impostor syndrome", (
        "impostor syndrome", "self-confidence at work", "feeling not good enough", "síndrome del impostor",
        "Hochstapler-Syndrom", "syndrome de l'imposteur", "síndrome do impostor", "doubting myself at work",
        "lack of confidence in my abilities", "falta de confianza", "Selbstzweifel im Job",
        "manque de confiance en soi", "insegurança no trabalho",
    )),
    Concept("hiring", "Advises on hiring and building teams", (
        "hiring and recruiting engineers", "building and growing a team", "running interviews as a hiring manager",
        "contratar talento", "Mitarbeiter einstellen", "recruter une équipe", "contratar e montar equipe",
        "recruiting good engineers quickly", "growing a team from a few people", "hiring my first employees",
        "contratar personas", "Personal einstellen", "embaucher",
    )),
    Concept("learning_to_code", "Mentors people learning to code", (
        "learning to program", "first programming job", "coding bootcamp graduate", "aprender a programar",
        "programmieren lernen", "apprendre à coder", "aprender a programar do zero",
        "starting to learn programming with no background", "teaching myself to code", "becoming a junior developer",
        "empezar a programar", "Quereinstieg in die Programmierung", "devenir développeur",
    )),
    Concept("mobile", "Mentors mobile developers", (
        "mobile app development", "iOS and Android apps", "Swift and Kotlin", "desarrollo de aplicaciones móviles",
        "App-Entwicklung", "développement mobile", "desenvolvimento mobile", "building a phone app", "mobile UI",
        "crear una app", "eine App veröffentlichen", "publier une application",
    )),
    Concept("time_management", "Coaches productivity and time management", (
        "time management and productivity", "prioritising and saying no", "procrastination and focus",
        "gestión del tiempo", "Zeitmanagement", "gestion du temps", "gestão do tempo",
        "too many meetings and no time to focus", "overwhelmed by my to-do list", "managing priorities",
        "organizar mi tiempo", "Prioritäten setzen", "organiser son temps",
    )),
)
