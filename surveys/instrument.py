"""The standard instrument: the six perceptions of 002 300.5, in English and Spanish.

Every survey built from it carries the same question codes, so a year's results compare with
the last year's question by question, and the community's with the department's. A question
may be worded for department members (`department`); it keeps its code. Outside agencies
have their own questions (`AGENCIES`).
"""

from surveys.models import Dimension as D
from surveys.models import Question

K = Question.Kind

CONCERNS_EN = (
    "Traffic and speeding\nBreak-ins and theft\nViolent crime\nDrugs\nNoise\n"
    "Young people with nothing to do\nHomelessness\nStreet lighting\nSomething else"
)
CONCERNS_ES = (
    "Tráfico y exceso de velocidad\nRobos en casas y hurtos\nDelitos violentos\nDrogas\n"
    "Ruido\nJóvenes sin nada que hacer\nPersonas sin hogar\nAlumbrado público\nOtra cosa"
)
HEARD_EN = "Water bill\nDepartment website\nCommunity forum\nSocial media\nAn officer\nOther"
HEARD_ES = (
    "Factura del agua\nSitio web del departamento\nForo comunitario\nRedes sociales\n"
    "Un agente\nOtro"
)

STANDARD: list[dict] = [
    {
        "code": "std-overall",
        "kind": K.RATING,
        "scale": "performance",
        "dimension": D.OVERALL,
        "text": "How would you rate the overall performance of the police department?",
        "text_es": "¿Cómo calificaría el desempeño general del departamento de policía?",
    },
    {
        "code": "std-competence",
        "kind": K.RATING,
        "scale": "extent",
        "dimension": D.COMPETENCE,
        "text": "How competent are the department's members at their work?",
        "text_es": "¿Qué tan competentes son los miembros del departamento en su trabajo?",
    },
    {
        "code": "std-competence-response",
        "kind": K.RATING,
        "scale": "performance",
        "dimension": D.COMPETENCE,
        "text": "How well does the department respond when people need help?",
        "text_es": "¿Qué tan bien responde el departamento cuando la gente necesita ayuda?",
    },
    {
        "code": "std-attitude-respect",
        "kind": K.RATING,
        "scale": "extent",
        "dimension": D.ATTITUDE,
        "text": "How courteous and respectful are members of the department toward the public?",
        "text_es": "¿Qué tan corteses y respetuosos son los miembros del departamento con el "
        "público?",
    },
    {
        "code": "std-attitude-fair",
        "kind": K.YES_NO,
        "dimension": D.ATTITUDE,
        "text": "Do members of the department treat everyone fairly, whoever they are?",
        "text_es": "¿Los miembros del departamento tratan a todos con justicia, sin importar "
        "quiénes sean?",
    },
    {
        "code": "std-trust",
        "kind": K.RATING,
        "scale": "trust",
        "dimension": D.TRUST,
        "text": "How much do you trust the police department?",
        "text_es": "¿Cuánto confía usted en el departamento de policía?",
        "department": "How much do you think the community trusts the department?",
        "department_es": "¿Cuánto cree usted que la comunidad confía en el departamento?",
    },
    {
        "code": "std-trust-report",
        "kind": K.YES_NO,
        "dimension": D.TRUST,
        "text": "Would you feel comfortable reporting a crime or a concern to the department?",
        "text_es": "¿Se sentiría cómodo(a) denunciando un delito o una preocupación al "
        "departamento?",
        "department": "Do residents come forward to report crimes and concerns?",
        "department_es": "¿Los residentes se acercan a denunciar delitos y preocupaciones?",
    },
    {
        "code": "std-safety",
        "kind": K.RATING,
        "scale": "safety",
        "dimension": D.SAFETY,
        "text": "How safe do you feel in your neighborhood?",
        "text_es": "¿Qué tan seguro(a) se siente en su vecindario?",
        "department": "How safe is the community the department serves?",
        "department_es": "¿Qué tan segura es la comunidad a la que sirve el departamento?",
    },
    {
        "code": "std-safety-concerns",
        "kind": K.MULTIPLE,
        "dimension": D.SAFETY,
        "text": "Which of these concern you most? Choose any.",
        "text_es": "¿Cuáles de estos le preocupan más? Elija los que quiera.",
        "choices": CONCERNS_EN,
        "choices_es": CONCERNS_ES,
        "required": False,
    },
    {
        "code": "std-safety-other",
        "kind": K.TEXT,
        "dimension": D.SAFETY,
        "text": "Is there any other safety or security concern the department should know about?",
        "text_es": "¿Hay alguna otra preocupación de seguridad que el departamento deba conocer?",
        "required": False,
    },
    {
        "code": "std-recommend",
        "kind": K.TEXT,
        "dimension": D.RECOMMENDATIONS,
        "text": "What one thing should the department do to serve you better?",
        "text_es": "¿Qué es lo más importante que el departamento debería hacer para servirle "
        "mejor?",
        "department": "What one thing should the department do to serve the community better?",
        "department_es": "¿Qué es lo más importante que el departamento debería hacer para "
        "servir mejor a la comunidad?",
        "required": False,
    },
    {
        "code": "std-heard",
        "kind": K.SINGLE,
        "dimension": D.OTHER,
        "text": "How did you hear about this survey?",
        "text_es": "¿Cómo se enteró de esta encuesta?",
        "choices": HEARD_EN,
        "choices_es": HEARD_ES,
        "required": False,
        "audiences": ("community",),
    },
]


# Outside agency heads comment on the performance of the department's personnel as they
# worked with them (001 IV.D.3), not on their own safety as residents: their own questions.
AGENCIES: list[dict] = [
    {
        "code": "agency-cooperation",
        "kind": K.RATING,
        "dimension": D.ATTITUDE,
        "text": "How well do department personnel cooperate with your agency?",
        "text_es": "¿Qué tan bien coopera el personal del departamento con su agencia?",
    },
    {
        "code": "agency-responsiveness",
        "kind": K.RATING,
        "dimension": D.COMPETENCE,
        "text": "How quickly and fully do department personnel respond when your agency "
        "asks for help?",
        "text_es": "¿Con qué rapidez y eficacia responde el personal del departamento cuando "
        "su agencia pide ayuda?",
    },
    {
        "code": "agency-professionalism",
        "kind": K.RATING,
        "dimension": D.ATTITUDE,
        "text": "How professional are department personnel in their dealings with your "
        "agency and the people it serves?",
        "text_es": "¿Qué tan profesional es el personal del departamento en su trato con su "
        "agencia y con las personas a las que atiende?",
    },
    {
        "code": "agency-communication",
        "kind": K.RATING,
        "dimension": D.COMPETENCE,
        "text": "How well does the department keep your agency informed?",
        "text_es": "¿Qué tan bien mantiene informado el departamento a su agencia?",
    },
    {
        "code": "agency-overall",
        "kind": K.RATING,
        "dimension": D.OVERALL,
        "text": "Overall, how would you rate the performance of department personnel who "
        "work with your agency?",
        "text_es": "En general, ¿cómo calificaría el desempeño del personal del departamento "
        "que trabaja con su agencia?",
    },
    {
        "code": "agency-trust",
        "kind": K.YES_NO,
        "dimension": D.TRUST,
        "text": "Would your agency readily call on the department again?",
        "text_es": "¿Su agencia volvería a recurrir al departamento sin dudarlo?",
    },
    {
        "code": "agency-recommend",
        "kind": K.TEXT,
        "dimension": D.RECOMMENDATIONS,
        "text": "What should department personnel do differently when working with your agency?",
        "text_es": "¿Qué debería hacer de otra manera el personal del departamento al "
        "trabajar con su agencia?",
        "required": False,
    },
]


def standard_questions(audience: str) -> list[dict]:
    """The standard questions for an audience, as `Question` field values."""
    if audience == "agencies":
        return [
            {
                "choices": "",
                "choices_es": "",
                "required": True,
                **{k: v for k, v in spec.items() if k != "audiences"},
            }
            for spec in AGENCIES
        ]
    department = audience == "department"
    rows = []
    for spec in STANDARD:
        if audience not in spec.get("audiences", (audience,)):
            continue
        rows.append(
            {
                "code": spec["code"],
                "kind": spec["kind"],
                "dimension": spec["dimension"],
                "text": spec.get("department", spec["text"]) if department else spec["text"],
                "text_es": spec.get("department_es", spec["text_es"])
                if department
                else spec["text_es"],
                "choices": spec.get("choices", ""),
                "choices_es": spec.get("choices_es", ""),
                "required": spec.get("required", True),
                "scale": spec.get("scale", ""),
            }
        )
    return rows
