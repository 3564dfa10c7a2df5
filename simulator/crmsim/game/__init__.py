"""crmsim.game: a multi-period classroom CRM game on the simulator.

An instructor creates a game; teams join with a code and each round decide their
acquisition budget by channel, strategies (with targets and parameters), call-centre
seats, a price discount and which CRM reports to buy; when the instructor closes the
round every team's copy of the same market advances one round (common random numbers:
a fair comparison; with ``market = "shared"`` the teams also compete for the same
prospects, see :mod:`~crmsim.game.play`). Scores are customer equity plus cumulative profit.

One module per idea:

* :mod:`~crmsim.game.rules` - game settings, decision ranges and the budget rule
* :mod:`~crmsim.game.events` - market events scheduled for a round (outage, competitor)
* :mod:`~crmsim.game.reports` - the CRM reports a team can buy (crmsim.analysis)
* :mod:`~crmsim.game.scoring` - customer equity, profit, leaderboard
* :mod:`~crmsim.game.play` - standing decisions and advancing a team's market
* :mod:`~crmsim.game.store` - the database (SQLAlchemy: SQLite or PostgreSQL)
* :mod:`~crmsim.game.roles` - the instructor, co-instructors and assistants: who may do what
* :mod:`~crmsim.game.api` - the Python API with access checks (what the web page does)
* :mod:`~crmsim.game.deadlines` - rounds that close by themselves at their deadline
* :mod:`~crmsim.game.debrief` - the debrief report with plots
* :mod:`~crmsim.game.text` - the pages' texts and messages in English and Chinese
* :mod:`~crmsim.game.forms` - the decision form read into decisions and filled from them
* :mod:`~crmsim.game.security` - CSRF tokens, the server's instructor key, the page language
* :mod:`~crmsim.game.web` - the web app (Flask) for teams and the staff, served by waitress
"""

from crmsim.game.api import (
    close_round,
    create_game,
    customer_data,
    game_status,
    join_game,
    leaderboard,
    resume,
    submit,
    team_status,
)

__all__ = ["create_game", "join_game", "submit", "close_round", "game_status",
           "team_status", "leaderboard", "customer_data", "resume"]
