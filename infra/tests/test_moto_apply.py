"""Full tier: apply staging, with a service scaffolded beside the API, against moto; check what
exists, then destroy it."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3  # type: ignore[import-untyped]
import pytest

from infra.tests.harness import Terraform
from infra.tests.moto_server import (
    AUTOSCALING_OVERRIDE,
    STORE_OVERRIDE,
    moto_server,
    provider_override,
)
from infra.tests.scripts import run_script
from tools.deploy.errors import DeployError, SecretNotSet
from tools.deploy.outputs import target
from tools.deploy.secrets import require_value
from tools.scaffold.cli import main as scaffold

REGION = "eu-west-1"
ACCOUNT = "123456789012"  # moto's account when the credentials name none
GITHUB_REPOSITORY = "acme/api"
ONCALL = "oncall@example.com"
# Scaffolded into the copy of infra/ (no services/ there, so only its Terraform is written).
SIBLING = "orders"


@pytest.fixture(scope="module")
def moto(scratch: Path) -> Iterator[str]:
    with moto_server(scratch / "moto.log") as url:
        yield url


@pytest.fixture(scope="module")
def aws(moto: str) -> Any:
    """boto3 clients of the moto server, by service name."""
    session = boto3.session.Session(
        aws_access_key_id="test", aws_secret_access_key="test", region_name=REGION
    )
    return lambda service: session.client(service, endpoint_url=moto)


# What README's "Destroying an environment" keeps out of the destroy: the key of the snapshots.
KEPT_KEY = "module.kms.aws_kms_key.this"


@pytest.fixture(scope="module")
def staging(
    terraform: Terraform, infra: Path, scratch: Path, moto: str, aws: Any
) -> Iterator[Path]:
    """The staging root applied to moto; torn down as the README says (and checked) afterwards."""
    root = infra / "envs" / "staging"
    arguments = ["new-service", SIBLING, "--resource", "order", "--repo-root", str(infra.parent)]
    assert scaffold(arguments) == 0
    assert (root / f"service_{SIBLING}.tf").is_file()
    (root / "moto_override.tf").write_text(provider_override(moto, scratch / "staging.tfstate"))
    (infra / "modules" / "service" / "moto_override.tf").write_text(AUTOSCALING_OVERRIDE)
    (infra / "modules" / "rate-limit-store" / "moto_override.tf").write_text(STORE_OVERRIDE)
    variables = (
        "-var",
        f"github_repository={GITHUB_REPOSITORY}",
        "-var",
        f'alarm_emails=["{ONCALL}"]',
    )
    terraform.check(root, "init", "-input=false", "-lockfile=readonly")
    try:
        terraform.check(
            root, "apply", "-auto-approve", "-input=false", "-parallelism=30", *variables
        )
        yield root
    finally:
        teardown = (*variables, "-var", "teardown=true")
        # No refresh: the state was just written, and the teardown is on the clock.
        fast = ("-auto-approve", "-input=false", "-refresh=false", "-parallelism=30")
        lifted = terraform.run(root, "apply", *fast, *teardown)
        key_id = terraform.run(root, "state", "show", "-no-color", KEPT_KEY).stdout
        kept = terraform.run(root, "state", "rm", KEPT_KEY)
        destroyed = terraform.run(root, "destroy", *fast, *teardown)
    assert lifted.returncode == 0, lifted.stdout + lifted.stderr
    assert kept.returncode == 0, kept.stdout + kept.stderr
    assert destroyed.returncode == 0, destroyed.stdout + destroyed.stderr
    remaining = terraform.run(root, "state", "list")
    assert remaining.stdout.strip() == "", f"left after destroy:\n{remaining.stdout}"
    snapshots = {
        snapshot["DBSnapshotIdentifier"]: snapshot
        for snapshot in aws("rds").describe_db_snapshots(SnapshotType="manual")["DBSnapshots"]
    }
    for database in ("api-staging", f"api-staging-{SIBLING}"):
        (name,) = (n for n in snapshots if re.fullmatch(rf"{database}-final-\d{{8}}-\d{{6}}", n))
        assert snapshots[name]["Encrypted"] is True
    (key_arn,) = re.findall(r'^\s*arn\s*=\s*"([^"]+)"', key_id, re.MULTILINE)
    key = aws("kms").describe_key(KeyId=key_arn)["KeyMetadata"]
    assert key["KeyState"] == "Enabled", "the snapshots' key must outlive the teardown"


@pytest.fixture(scope="module")
def outputs(terraform: Terraform, staging: Path) -> dict[str, Any]:
    result = terraform.check(staging, "output", "-json")
    return {name: value["value"] for name, value in json.loads(result.stdout).items()}


def test_outputs_name_what_a_deploy_needs(outputs: dict[str, Any]) -> None:
    assert outputs["service_url"] == f"http://{outputs['alb_dns_name']}"
    assert outputs["ecr_repository_url"].endswith(".amazonaws.com/api-staging")
    assert outputs["cluster_name"] == "api-staging"
    assert outputs["service_name"] == "api-staging"
    assert outputs["migration_task_definition_arn"].endswith(
        ":task-definition/api-staging-migrate:1"
    )
    assert outputs["deploy_role_arn"].endswith(":role/api-staging-deploy")
    assert outputs["region"] == REGION


@pytest.mark.parametrize("service", ["api", SIBLING])
def test_the_deploy_tool_finds_each_service_from_these_outputs(
    aws: Any, outputs: dict[str, Any], service: str
) -> None:
    # The API from the top-level outputs, the scaffolded one from its service_<name> output.
    found = target(outputs, service)
    ecs = aws("ecs")
    (running,) = ecs.describe_services(cluster=found.cluster, services=[found.ecs_service])[
        "services"
    ]
    assert running["status"] == "ACTIVE"
    for family in (found.app_family, found.migration_family):
        assert ecs.describe_task_definition(taskDefinition=family)["taskDefinition"]["family"]
    assert running["taskDefinition"].split("/")[-1].startswith(f"{found.app_family}:")
    (repository,) = aws("ecr").describe_repositories(repositoryNames=[found.repository])[
        "repositories"
    ]
    assert repository["repositoryUri"] == found.repository_url
    groups = found.network_configuration["awsvpcConfiguration"]["securityGroups"]
    assert aws("ec2").describe_security_groups(GroupIds=groups)["SecurityGroups"]
    assert aws("logs").describe_log_groups(logGroupNamePrefix=found.log_group)["logGroups"]
    assert found.url.startswith(outputs["service_url"]) and found.region == REGION


def test_the_deploy_tool_knows_no_service_the_environment_lacks(outputs: dict[str, Any]) -> None:
    with pytest.raises(DeployError, match="no service 'nope'"):
        target(outputs, "nope")


def test_every_alarm_notifies_the_environment_topic(aws: Any, outputs: dict[str, Any]) -> None:
    topic = outputs["alarm_topic_arn"]
    alarms = {
        alarm["AlarmName"]: alarm
        for alarm in aws("cloudwatch").describe_alarms(AlarmNamePrefix="api-staging-")[
            "MetricAlarms"
        ]
    }
    sibling = outputs[f"service_{SIBLING}"]["alarm_names"]
    expected = {*outputs["alarm_names"].values(), *sibling.values()}
    assert expected <= set(alarms) and len(expected) == 9 + 8
    assert all(alarms[name]["AlarmActions"] == [topic] for name in expected)
    healthy = alarms[outputs["alarm_names"]["healthy_hosts"]]
    assert healthy["TreatMissingData"] == "breaching"
    (subscription,) = aws("sns").list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
    assert (subscription["Protocol"], subscription["Endpoint"]) == ("email", ONCALL)


def test_tasks_reach_only_the_vpc_endpoints_the_database_and_nothing_outside(
    aws: Any, outputs: dict[str, Any]
) -> None:
    ec2 = aws("ec2")
    network = json.loads(outputs["network_configuration"])["awsvpcConfiguration"]
    (group_id,) = network["securityGroups"]
    (group,) = ec2.describe_security_groups(GroupIds=[group_id])["SecurityGroups"]
    egress = group["IpPermissionsEgress"]
    assert all(rule["IpRanges"] == [] and rule["Ipv6Ranges"] == [] for rule in egress), egress
    assert sorted(rule["FromPort"] for rule in egress) == [443, 5432, 6379]
    (https,) = (rule for rule in egress if rule["FromPort"] == 443)
    (endpoints_group,) = https["UserIdGroupPairs"]
    (s3_prefix_list,) = https["PrefixListIds"]
    assert endpoints_group["GroupId"] != group_id and s3_prefix_list["PrefixListId"]
    endpoints = ec2.describe_vpc_endpoints()["VpcEndpoints"]
    services = {e["ServiceName"].removeprefix(f"com.amazonaws.{REGION}."): e for e in endpoints}
    assert set(services) == {"s3", "ecr.api", "ecr.dkr", "logs", "secretsmanager"}
    assert services["s3"]["VpcEndpointType"] == "Gateway"
    assert all(services[s]["PrivateDnsEnabled"] for s in services if s != "s3")
    assert outputs["nat_gateway_count"] == 0


def test_load_balancer_logs_to_an_encrypted_expiring_bucket(
    aws: Any, outputs: dict[str, Any]
) -> None:
    bucket = outputs["alb_access_logs_bucket"]
    (balancer,) = aws("elbv2").describe_load_balancers()["LoadBalancers"]
    attributes = {
        a["Key"]: a["Value"]
        for a in aws("elbv2").describe_load_balancer_attributes(
            LoadBalancerArn=balancer["LoadBalancerArn"]
        )["Attributes"]
    }
    assert attributes["access_logs.s3.enabled"] == "true"
    assert attributes["access_logs.s3.bucket"] == bucket
    s3 = aws("s3")
    (rule,) = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]
    assert rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    (lifecycle,) = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
    assert lifecycle["Status"] == "Enabled" and lifecycle["Expiration"]["Days"] == 30
    block = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    assert all(block.values())


def test_rate_limits_are_counted_in_a_tls_only_store_the_tasks_alone_reach(
    aws: Any, outputs: dict[str, Any]
) -> None:
    (store_group,) = aws("ec2").describe_security_groups(
        Filters=[{"Name": "group-name", "Values": ["api-staging-rate-limits"]}]
    )["SecurityGroups"]
    rules = _ingress(aws, store_group["GroupId"])
    assert [(r["FromPort"], r["ToPort"]) for r in rules] == [(6379, 6379)]
    sources = {pair["GroupId"] for rule in rules for pair in rule["UserIdGroupPairs"]}
    tasks = {
        json.loads(config)["awsvpcConfiguration"]["securityGroups"][0]
        for config in (
            outputs["network_configuration"],
            outputs[f"service_{SIBLING}"]["network_configuration"],
        )
    }
    assert sources == tasks and all(r["IpRanges"] == [] for r in rules)


def test_web_acl_guards_the_load_balancer(aws: Any, outputs: dict[str, Any]) -> None:
    (balancer,) = aws("elbv2").describe_load_balancers()["LoadBalancers"]
    acl = aws("wafv2").get_web_acl_for_resource(ResourceArn=balancer["LoadBalancerArn"])["WebACL"]
    assert acl["ARN"] == outputs["waf"]["web_acl_arn"]
    names = {rule["Name"] for rule in acl["Rules"]}
    assert names == set(outputs["waf"]["rules"]) and "token-endpoint-rate" in names
    (rate,) = (r for r in acl["Rules"] if r["Name"] == "token-endpoint-rate")
    scope = rate["Statement"]["RateBasedStatement"]["ScopeDownStatement"]["ByteMatchStatement"]
    assert scope["SearchString"] in ("/api/v1/auth/token", b"/api/v1/auth/token")


def _instance(aws: Any, identifier: str) -> dict[str, Any]:
    (instance,) = aws("rds").describe_db_instances(DBInstanceIdentifier=identifier)["DBInstances"]
    return dict(instance)


def test_database_is_private_encrypted_with_managed_password(
    aws: Any, outputs: dict[str, Any]
) -> None:
    instance = _instance(aws, "api-staging")
    assert instance["PubliclyAccessible"] is False
    assert instance["StorageEncrypted"] is True
    assert instance["MasterUserSecret"]["SecretArn"].startswith("arn:aws:secretsmanager:")
    assert instance["Endpoint"]["Address"] == outputs["database"]["address"]


def _ingress(aws: Any, group_id: str) -> list[dict[str, Any]]:
    (group,) = aws("ec2").describe_security_groups(GroupIds=[group_id])["SecurityGroups"]
    return list(group["IpPermissions"])


def test_only_alb_reaches_tasks_and_only_tasks_reach_database(
    aws: Any, outputs: dict[str, Any]
) -> None:
    (db_group,) = _instance(aws, "api-staging")["VpcSecurityGroups"]
    service_group = json.loads(outputs["network_configuration"])["awsvpcConfiguration"]
    (service_group_id,) = service_group["securityGroups"]

    db_rules = _ingress(aws, db_group["VpcSecurityGroupId"])
    assert [(r["FromPort"], r["ToPort"]) for r in db_rules] == [(5432, 5432)]
    assert [p["GroupId"] for p in db_rules[0]["UserIdGroupPairs"]] == [service_group_id]
    assert db_rules[0]["IpRanges"] == [] and db_rules[0]["Ipv6Ranges"] == []

    service_rules = _ingress(aws, service_group_id)
    assert [(r["FromPort"], r["ToPort"]) for r in service_rules] == [(8000, 8000)]
    assert service_rules[0]["IpRanges"] == [] and service_rules[0]["Ipv6Ranges"] == []
    (alb_group,) = service_rules[0]["UserIdGroupPairs"]
    (balancer,) = aws("elbv2").describe_load_balancers()["LoadBalancers"]
    assert balancer["SecurityGroups"] == [alb_group["GroupId"]]


def test_service_runs_privately_with_secrets_from_secrets_manager(
    aws: Any, outputs: dict[str, Any]
) -> None:
    ecs = aws("ecs")
    (service,) = ecs.describe_services(cluster="api-staging", services=["api-staging"])["services"]
    assert service["networkConfiguration"]["awsvpcConfiguration"]["assignPublicIp"] == "DISABLED"
    definition = ecs.describe_task_definition(taskDefinition=service["taskDefinition"])
    (container,) = definition["taskDefinition"]["containerDefinitions"]
    assert container["image"] == f"{outputs['ecr_repository_url']}:initial"
    secrets = {secret["name"]: secret["valueFrom"] for secret in container["secrets"]}
    assert secrets.pop("AUTH_SIGNING_KEY") == outputs["signing_key_secret_arn"]
    assert secrets.pop("AUTH_PUBLIC_KEYS") == outputs["public_keys_secret_arn"]
    assert secrets.pop("RATE_LIMIT_STORAGE_URI") == outputs["rate_limit_store"]["uri_secret_arn"]
    assert secrets == {}  # no database password: the app logs in with IAM tokens
    plain = {e["name"]: e["value"] for e in container["environment"]}
    assert not set(plain) & {"DB_PASSWORD", "AUTH_SIGNING_KEY", "AUTH_PUBLIC_KEYS", "SECRET_KEY"}
    assert (plain["DB_USER"], plain["DB_AUTH"]) == ("api_staging_service", "iam")


def test_only_the_roles_task_gets_the_master_password(aws: Any, outputs: dict[str, Any]) -> None:
    ecs = aws("ecs")
    roles = ecs.describe_task_definition(taskDefinition=outputs["roles_task_family"])
    (container,) = roles["taskDefinition"]["containerDefinitions"]
    secrets = {secret["name"]: secret["valueFrom"] for secret in container["secrets"]}
    assert secrets["DB_PASSWORD"].endswith(":password::")
    plain = {e["name"]: e["value"] for e in container["environment"]}
    assert container["command"] == ["python", "-m", "services.api.manage", "db-roles"]
    assert (plain["DB_AUTH"], plain["DB_MIGRATION_ROLE"], plain["DB_SERVICE_ROLE"]) == (
        "password",
        "api_staging_migrator",
        "api_staging_service",
    )
    migrate = ecs.describe_task_definition(taskDefinition=outputs["migration_task_family"])
    (container,) = migrate["taskDefinition"]["containerDefinitions"]
    assert "DB_PASSWORD" not in {secret["name"] for secret in container["secrets"]}


@pytest.mark.parametrize(
    ("role", "database_role"),
    [("api-staging-task", "api_staging_service"), ("api-staging-migrate", "api_staging_migrator")],
)
def test_each_task_role_may_log_in_as_its_own_database_role(
    aws: Any, role: str, database_role: str
) -> None:
    iam = aws("iam")
    (name,) = iam.list_role_policies(RoleName=role)["PolicyNames"]
    document = iam.get_role_policy(RoleName=role, PolicyName=name)["PolicyDocument"]
    (statement,) = document["Statement"]
    (instance,) = aws("rds").describe_db_instances(DBInstanceIdentifier="api-staging")[
        "DBInstances"
    ]
    assert statement["Action"] == "rds-db:connect"
    assert statement["Resource"] == (
        f"arn:aws:rds-db:{REGION}:{ACCOUNT}:dbuser:{instance['DbiResourceId']}/{database_role}"
    )


def test_deploy_role_trusts_only_this_repository_environment(aws: Any) -> None:
    role = aws("iam").get_role(RoleName="api-staging-deploy")["Role"]
    (statement,) = role["AssumeRolePolicyDocument"]["Statement"]
    assert statement["Condition"]["StringLike"]["token.actions.githubusercontent.com:sub"] == (
        f"repo:{GITHUB_REPOSITORY}:environment:staging"
    )


def test_execution_role_reads_only_its_four_secrets(aws: Any, outputs: dict[str, Any]) -> None:
    iam = aws("iam")
    policy = iam.get_role_policy(
        RoleName="api-staging-execution", PolicyName="pull-log-read-secrets"
    )
    statements = {s["Sid"]: s for s in policy["PolicyDocument"]["Statement"]}
    resources = statements["ReadSecrets"]["Resource"]
    assert outputs["signing_key_secret_arn"] in resources and len(resources) == 4
    assert outputs["public_keys_secret_arn"] in resources
    wildcard = [sid for sid, s in statements.items() if s["Resource"] == "*"]
    assert wildcard == ["EcrLogin"]


def test_token_keys_are_set_outside_terraform_before_a_deploy(
    terraform: Terraform, infra: Path, moto: str, aws: Any, outputs: dict[str, Any]
) -> None:
    secrets = aws("secretsmanager")
    for service in ("api", SIBLING):
        with pytest.raises(SecretNotSet, match="run infra/scripts/init-secrets.sh staging"):
            require_value(secrets, target(outputs, service), "staging")

    # The store's replication group is the one thing of the store moto cannot apply
    # (moto_server.STORE_OVERRIDE); made directly, it gives the script a group to set a token on.
    store = outputs["rate_limit_store"]
    aws("elasticache").create_replication_group(
        ReplicationGroupId=store["replication_group_id"],
        ReplicationGroupDescription="rate limits",
        Engine="valkey",
        CacheNodeType="cache.t4g.micro",
        NumCacheClusters=1,
        TransitEncryptionEnabled=True,
    )
    created = run_script(terraform, infra, moto, "init-secrets.sh", "staging")
    assert created.returncode == 0, created.stderr
    uri = secrets.get_secret_value(SecretId=store["uri_secret_arn"])["SecretString"]
    assert uri.startswith("rediss://:") and uri.split(":")[2].split("@")[0] not in created.stderr
    signing = secrets.get_secret_value(SecretId=outputs["signing_key_secret_arn"])["SecretString"]
    assert signing.startswith("-----BEGIN PRIVATE KEY-----")
    assert signing.split("\n")[1] not in created.stdout + created.stderr
    jwks = json.loads(
        secrets.get_secret_value(SecretId=outputs["public_keys_secret_arn"])["SecretString"]
    )
    assert [key["kty"] for key in jwks["keys"]] == ["OKP"]


def test_scaffolded_service_shares_the_cluster_and_load_balancer(
    aws: Any, outputs: dict[str, Any]
) -> None:
    sibling = outputs[f"service_{SIBLING}"]
    (service,) = aws("ecs").describe_services(
        cluster=outputs["cluster_name"], services=[sibling["service_name"]]
    )["services"]
    assert service["clusterArn"] == sibling["cluster_arn"]
    assert service["clusterArn"].endswith(f":cluster/{outputs['cluster_name']}")
    (target_group,) = {entry["targetGroupArn"] for entry in service["loadBalancers"]}

    elbv2 = aws("elbv2")
    (balancer,) = elbv2.describe_load_balancers()["LoadBalancers"]
    (listener,) = elbv2.describe_listeners(LoadBalancerArn=balancer["LoadBalancerArn"])["Listeners"]
    rules = elbv2.describe_rules(ListenerArn=listener["ListenerArn"])["Rules"]
    (rule,) = (r for r in rules if r["RuleArn"] == sibling["route"]["arn"])
    assert int(rule["Priority"]) == sibling["route"]["priority"]
    (condition,) = rule["Conditions"]
    assert sorted(condition["PathPatternConfig"]["Values"]) == [
        "/api/v1/orders",
        "/api/v1/orders/*",
    ]
    assert [a["TargetGroupArn"] for a in rule["Actions"]] == [target_group]
    # The API's rule, last, takes every other path; the default only answers 404.
    (api,) = (r for r in rules if r["Priority"] == "50000")
    (api_condition,) = api["Conditions"]
    assert api_condition["PathPatternConfig"]["Values"] == ["/*"]
    assert api["Actions"][0]["TargetGroupArn"] != target_group
    (default,) = (r for r in rules if r["IsDefault"])
    assert default["Actions"][0]["Type"] == "fixed-response"


def test_scaffolded_service_has_its_own_database_reachable_only_from_its_tasks(
    aws: Any, outputs: dict[str, Any]
) -> None:
    sibling = outputs[f"service_{SIBLING}"]
    instance = _instance(aws, sibling["database"]["identifier"])
    assert instance["DBInstanceIdentifier"] != outputs["database"]["identifier"]
    assert instance["PubliclyAccessible"] is False and instance["StorageEncrypted"] is True
    api_secret = _instance(aws, "api-staging")["MasterUserSecret"]["SecretArn"]
    assert instance["MasterUserSecret"]["SecretArn"] != api_secret

    (db_group,) = instance["VpcSecurityGroups"]
    network = json.loads(sibling["network_configuration"])["awsvpcConfiguration"]
    (task_group,) = network["securityGroups"]
    (rule,) = _ingress(aws, db_group["VpcSecurityGroupId"])
    assert [p["GroupId"] for p in rule["UserIdGroupPairs"]] == [task_group]


def test_deploy_role_may_deploy_the_scaffolded_service_and_nothing_of_it_more(
    aws: Any, outputs: dict[str, Any]
) -> None:
    sibling = outputs[f"service_{SIBLING}"]
    iam = aws("iam")
    attached = iam.list_attached_role_policies(RoleName="api-staging-deploy")["AttachedPolicies"]
    (policy,) = (p for p in attached if p["PolicyName"] == f"{sibling['service_name']}-deploy")
    version = iam.get_policy(PolicyArn=policy["PolicyArn"])["Policy"]["DefaultVersionId"]
    document = iam.get_policy_version(PolicyArn=policy["PolicyArn"], VersionId=version)
    statements = {s["Sid"]: s for s in document["PolicyVersion"]["Document"]["Statement"]}
    (service,) = aws("ecs").describe_services(
        cluster=outputs["cluster_name"], services=[sibling["service_name"]]
    )["services"]
    assert statements["UpdateService"]["Resource"] == service["serviceArn"]
    assert statements["PushImage"]["Resource"].endswith(f":repository/{sibling['service_name']}")
    assert set(statements["CheckSecretsAreSet"]["Resource"]) == {
        outputs["public_keys_secret_arn"],
        outputs["rate_limit_store"]["uri_secret_arn"],
    }


def test_scaffolded_service_verifies_with_the_public_keys_only(
    aws: Any, outputs: dict[str, Any]
) -> None:
    sibling = outputs[f"service_{SIBLING}"]
    ecs = aws("ecs")
    (service,) = ecs.describe_services(
        cluster=outputs["cluster_name"], services=[sibling["service_name"]]
    )["services"]
    definition = ecs.describe_task_definition(taskDefinition=service["taskDefinition"])
    (container,) = definition["taskDefinition"]["containerDefinitions"]
    secrets = {secret["name"]: secret["valueFrom"] for secret in container["secrets"]}
    assert sorted(secrets) == ["AUTH_PUBLIC_KEYS", "RATE_LIMIT_STORAGE_URI"]
    assert secrets["AUTH_PUBLIC_KEYS"] == outputs["public_keys_secret_arn"]

    # The deploy tool's check (the public keys are set) passes once init-secrets.sh has run.
    require_value(aws("secretsmanager"), target(outputs, SIBLING), "staging")


BEFORE = Path(__file__).parent / "fixtures" / "staging_addresses_before.txt"
# Resources of the old layout that this layout drops on purpose, so no moved block keeps them:
# SECRET_KEY gave way to the token keys, and tasks reach AWS through VPC endpoints, not NAT.
OLD = "module.stack.module."
DROPPED = {
    f"{OLD}service.aws_secretsmanager_secret.signing_key",
    f"{OLD}service.aws_vpc_security_group_egress_rule.to_https",
    f"{OLD}network.aws_eip.nat[0]",
    f"{OLD}network.aws_nat_gateway.this[0]",
    f"{OLD}network.aws_route.private_nat[0]",
    f"{OLD}network.aws_route.private_nat[1]",
}
MOVED = re.compile(r"moved \{\s*from = (\S+)\s*to\s*= (\S+)\s*\}")


def undo_module_moves(terraform: Terraform, root: Path, modules: Path) -> None:
    """Undo each module's own moved blocks (modules/<name>/moves.tf) in every call of it.

    A module's call has the module's folder name (`module "alarms" { source = "../alarms" }`).
    """
    for moves_file in sorted(modules.glob("*/moves.tf")):
        call = f"module.{moves_file.parent.name}."
        moves = MOVED.findall(moves_file.read_text())
        assert moves, f"{moves_file} has no moved block"
        for old, new in reversed(moves):
            for address in terraform.check(root, "state", "list").stdout.split():
                prefix = address.removesuffix(new)
                if prefix != address and prefix.endswith(call):
                    terraform.check(root, "state", "mv", address, prefix + old)


def test_an_environment_of_the_old_layout_moves_into_this_one_destroying_nothing(
    terraform: Terraform, infra: Path, scratch: Path, moto: str, staging: Path
) -> None:
    """Rebuild the old layout's state from the applied one (each moved block undone), then plan."""
    upgrade = infra / "envs" / "staging-upgrade"
    shutil.copytree(
        staging, upgrade, ignore=shutil.ignore_patterns(".terraform", "moto_override.tf")
    )
    state = scratch / "upgrade.tfstate"
    shutil.copy(scratch / "staging.tfstate", state)
    (upgrade / "moto_override.tf").write_text(provider_override(moto, state))
    terraform.check(upgrade, "init", "-input=false", "-lockfile=readonly")
    undo_module_moves(terraform, upgrade, infra / "modules")
    moves = MOVED.findall((upgrade / "moves.tf").read_text())
    assert len(moves) >= 10
    for old, new in reversed(moves):
        present = terraform.check(upgrade, "state", "list").stdout.split()
        # A module with count (the deploy role's) moves by its instance.
        index = "[0]" if any(a.startswith(f"{new}[0].") for a in present) else ""
        terraform.check(upgrade, "state", "mv", new + index, old + index)

    listed = set(terraform.check(upgrade, "state", "list").stdout.split())
    lines = BEFORE.read_text().splitlines()
    before = {line for line in lines if line and not line.startswith("#")}
    # moto has no Application Auto Scaling tagging, so the run has no scaling resources.
    expected = {a for a in before - DROPPED if "aws_appautoscaling" not in a}
    assert expected - listed == set(), "old addresses no moved block accounts for"

    def plan(root: Path) -> list[dict[str, Any]]:
        variables = ("-var", f"github_repository={GITHUB_REPOSITORY}")
        emails = ("-var", f'alarm_emails=["{ONCALL}"]')
        args = ("-input=false", "-refresh=false", "-out=check.tfplan", *variables, *emails)
        terraform.check(root, "plan", *args)
        shown = json.loads(terraform.check(root, "show", "-json", "check.tfplan").stdout)
        return [c for c in shown["resource_changes"] if c["mode"] == "managed"]

    def destroyed(changes: list[dict[str, Any]]) -> set[str]:
        return {c["address"] for c in changes if "delete" in c["change"]["actions"]}

    changes = plan(upgrade)
    # moto answers some attributes unlike AWS, so even the applied root's own plan is not
    # empty: the upgrade may destroy nothing beyond what that plan would.
    assert destroyed(changes) <= destroyed(plan(staging)), "the upgrade destroys resources"
    moved = {c.get("previous_address") for c in changes}
    assert expected <= moved, f"not moved: {sorted(expected - moved)}"
