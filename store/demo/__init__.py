"""Demo data: publishers, a catalogue of realistic services and one account per role.

``tstore seed-demo`` (or ``python -m store seed-demo``) is idempotent: it creates what is missing
and leaves the rest alone. It needs the collectivités registry (the test fixture or the full
import): the demo agents act for Bourg-en-Bresse (SIREN 210100533) and for its agglomération
(CA du Bassin de Bourg-en-Bresse, SIREN 200071751).

Demo accounts (development only; passwords follow the password rules):

======================================  ======================  ==========================================
email                                   password                role
======================================  ======================  ==========================================
curatrice@anct.example                  Curatrice-Anct-2026     ANCT curator
maire@bourg-en-bresse.example           Maire-Bourg-2026        élu exécutif of Bourg-en-Bresse, can sign
agent@bourg-en-bresse.example           Agent-Bourg-2026        agent of Bourg-en-Bresse
agent@grand-bourg.example               Agent-Agglo-2026        agent of the CA du Bassin de Bourg-en-Bresse
editeur@atelier-communs.example         Editeur-Demo-2026       developer, Atelier des communs numériques
(every other publisher's developer)     Editeur-Demo-2026       developer of that publisher
======================================  ======================  ==========================================

This package sits at the top of the layers (beside ``store.app``): it may import every domain.
"""
