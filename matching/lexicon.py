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

LEXICON_VERSION = "2026-11-26.2"


@dataclass(frozen=True)
class Concept:
    key: str
    offer: str  # completes "<offer>, which matches your goal", e.g. "Coaches public speaking"
    phrases: tuple[str, ...]


CONCEPTS: tuple[Concept, ...] = (
    Concept("public_speaking", "Coaches public speaking", (
        "public speaking coach", "nervous presenting in front of people", "stage fright",
        "presentation skills and confident delivery", "miedo a hablar en público", "Lampenfieber bei Vorträgen",
        "prendre la parole en public", "falar em público sem nervosismo",
    )),
    Concept("negotiation", "Helps with negotiation", (
        "negotiation skills", "salary negotiation and asking for a raise", "negotiating a job offer",
        "negociar el salario", "Gehaltsverhandlung", "négocier son salaire", "negociar salário e proposta",
    )),
    Concept("leadership", "Coaches new managers and leaders", (
        "leadership and people management", "first-time manager managing a team", "leading former peers",
        "liderazgo de equipos", "Führungskraft werden und ein Team führen", "devenir manager",
        "liderança e gestão de pessoas",
    )),
    Concept("career_change", "Guides career changes", (
        "career change into a new field", "switching careers", "transition from one profession to another",
        "cambiar de carrera", "beruflicher Quereinstieg", "reconversion professionnelle",
        "mudar de carreira", "transição de carreira",
    )),
    Concept("system_design", "Teaches system design and architecture", (
        "system design and software architecture", "scalable distributed systems", "designing backend services", "handling high traffic and scaling",
        "diseño de sistemas escalables", "Softwarearchitektur", "architecture logicielle",
        "arquitetura de sistemas distribuídos",
    )),
    Concept("fundraising", "Advises on fundraising", (
        "raising venture capital", "pitching to investors", "seed round and series A fundraising",
        "levantar capital para una startup", "Finanzierungsrunde und Investoren", "lever des fonds",
        "captar investimento para startup",
    )),
    Concept("interviewing", "Prepares people for job interviews", (
        "job interview preparation", "coding interviews and mock interviews", "behavioral interview practice",
        "preparar entrevistas de trabajo", "Vorstellungsgespräch vorbereiten", "préparer un entretien d'embauche",
        "preparação para entrevista de emprego",
    )),
    Concept("product_management", "Mentors product managers", (
        "product management", "product roadmap and prioritisation", "becoming a product manager",
        "gestión de producto", "Produktmanagement", "gestion de produit", "gestão de produto",
    )),
    Concept("ux_design", "Mentors UX and product designers", (
        "user experience design", "UX research and usability", "design portfolio review",
        "diseño de experiencia de usuario", "UX-Design", "conception UX", "design de experiência do usuário",
    )),
    Concept("data_science", "Mentors data scientists", (
        "data science and machine learning", "statistics and predictive models", "becoming a data scientist",
        "ciencia de datos", "Datenanalyse und maschinelles Lernen", "science des données", "ciência de dados",
    )),
    Concept("marketing", "Advises on marketing and growth", (
        "marketing strategy and growth", "getting customers and brand awareness", "customer acquisition", "digital marketing and SEO",
        "estrategia de marketing", "Marketingstrategie", "stratégie marketing", "estratégia de marketing",
    )),
    Concept("sales", "Coaches sales", (
        "sales and closing deals", "B2B selling and sales pipeline", "cold outreach to prospects",
        "ventas y cerrar tratos", "Vertrieb und Verkauf", "vente et prospection", "vendas e prospecção",
    )),
    Concept("entrepreneurship", "Mentors founders", (
        "starting a company", "founder building a startup", "finding product-market fit",
        "emprender y crear una empresa", "ein Unternehmen gründen", "créer son entreprise", "empreender e abrir empresa",
    )),
    Concept("work_life_balance", "Helps with burnout and balance", (
        "burnout and exhaustion at work", "work-life balance and stress", "setting boundaries with work",
        "agotamiento laboral", "Burnout und Stress im Job", "épuisement professionnel", "esgotamento e estresse",
    )),
    Concept("communication", "Coaches workplace communication", (
        "communication skills at work", "giving and receiving feedback", "difficult conversations with colleagues",
        "comunicación en el trabajo", "Kommunikation im Team", "communication au travail", "comunicação no trabalho",
    )),
    Concept("promotion", "Helps people grow to the next level", (
        "getting promoted to senior or staff", "career growth and visibility", "career ladder and promotion case",
        "conseguir un ascenso", "Beförderung und Karriereentwicklung", "obtenir une promotion",
        "conseguir uma promoção",
    )),
    Concept("frontend", "Mentors front-end developers", (
        "frontend web development", "JavaScript, React and CSS", "building user interfaces in the browser", "web performance and page load speed",
        "desarrollo frontend", "Frontend-Entwicklung", "développement front-end", "desenvolvimento front-end",
    )),
    Concept("devops", "Mentors DevOps and cloud engineers", (
        "DevOps, CI/CD and cloud infrastructure", "Kubernetes and deployments", "containers and Docker", "site reliability and on-call",
        "infraestructura en la nube", "Cloud-Infrastruktur", "infrastructure cloud", "infraestrutura em nuvem",
    )),
    Concept("security", "Mentors security engineers", (
        "cybersecurity and application security", "penetration testing and threat modelling",
        "security engineering career", "ciberseguridad", "IT-Sicherheit", "cybersécurité", "segurança da informação",
    )),
    Concept("finance", "Advises on finance", (
        "finance, accounting and budgeting", "financial modelling and business cases", "understanding a P&L",
        "finanzas y contabilidad", "Finanzen und Buchhaltung", "finance et comptabilité", "finanças e contabilidade",
    )),
    Concept("writing", "Coaches writing", (
        "writing clearly", "technical writing and documentation", "design documents and internal docs", "blogging and writing a book",
        "escribir mejor", "besser schreiben", "écrire clairement", "escrever melhor",
    )),
    Concept("networking", "Helps with networking and personal brand", (
        "professional networking", "building a personal brand on LinkedIn", "meeting people in the industry",
        "hacer contactos profesionales", "berufliches Netzwerk aufbauen", "réseautage professionnel",
        "networking profissional",
    )),
    Concept("remote_work", "Advises on remote and international work", (
        "working remotely", "relocating abroad for work", "getting a job in another country",
        "trabajar en remoto", "im Ausland arbeiten", "travailler à l'étranger", "trabalhar no exterior",
    )),
    Concept("confidence", "Coaches confidence and impostor syndrome", (
        "impostor syndrome", "self-confidence at work", "feeling not good enough",
        "síndrome del impostor", "Hochstapler-Syndrom", "syndrome de l'imposteur", "síndrome do impostor",
    )),
    Concept("hiring", "Advises on hiring and building teams", (
        "hiring and recruiting engineers", "building and growing a team", "running interviews as a hiring manager",
        "contratar talento", "Mitarbeiter einstellen", "recruter une équipe", "contratar e montar equipe",
    )),
    Concept("learning_to_code", "Mentors people learning to code", (
        "learning to program", "first programming job", "coding bootcamp graduate",
        "aprender a programar", "programmieren lernen", "apprendre à coder", "aprender a programar do zero",
    )),
    Concept("mobile", "Mentors mobile developers", (
        "mobile app development", "iOS and Android apps", "Swift and Kotlin",
        "desarrollo de aplicaciones móviles", "App-Entwicklung", "développement mobile", "desenvolvimento mobile",
    )),
    Concept("time_management", "Coaches productivity and time management", (
        "time management and productivity", "prioritising and saying no", "procrastination and focus",
        "gestión del tiempo", "Zeitmanagement", "gestion du temps", "gestão do tempo",
    )),
)
