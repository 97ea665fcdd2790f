"""What can stop a deploy or a rollback, each with a message that says why and what to do."""


class DeployError(RuntimeError):
    """A deploy or rollback that cannot go on; the message says why."""


class OutOfOrder(DeployError):
    """The commit is not main's newest, or is older than what the environment runs."""


class MigrationFailed(DeployError):
    """The migration task stopped with a non-zero exit code."""


class MigrationTimedOut(DeployError):
    """The migration task ran past its limit and was stopped."""


class RolesFailed(DeployError):
    """The roles task (the database roles, before the migration) stopped with a non-zero code."""


class RolesTimedOut(DeployError):
    """The roles task ran past its limit and was stopped."""


class NotStable(DeployError):
    """The service did not settle on the new revision (circuit breaker or time limit)."""


class SmokeCheckFailed(DeployError):
    """The service's /ready did not answer 200 within its limit."""


class NoStableRevision(DeployError):
    """No earlier revision was ever recorded as deployed and stable."""


class SecretNotSet(DeployError):
    """The token key secret the service needs at start-up has no value yet."""
