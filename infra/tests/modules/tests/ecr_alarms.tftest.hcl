# The image repository and the alarms.

mock_provider "aws" {
  source = "../mocks"
}

run "repository" {
  command = plan

  module {
    source = "../../modules/ecr"
  }

  variables {
    name        = "api-test"
    kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/0b7e6a4c-1f0d-4d33-9a55-5c0f6d2b7e10"
  }

  assert {
    condition     = aws_ecr_repository.this.image_tag_mutability == "IMMUTABLE"
    error_message = "Tags must be immutable, so a deployed tag always names the same image."
  }

  assert {
    condition     = aws_ecr_repository.this.image_scanning_configuration[0].scan_on_push == true
    error_message = "Images must be scanned on push."
  }

  assert {
    condition     = length(jsondecode(aws_ecr_lifecycle_policy.this.policy).rules) == 2
    error_message = "The lifecycle policy expires untagged and old images."
  }
}

run "alarms_notify_the_topic" {
  command = plan

  module {
    source = "../../modules/alarms"
  }

  variables {
    name                    = "api-test"
    alarm_topic_arn         = "arn:aws:sns:eu-west-1:123456789012:alerts"
    alb_arn_suffix          = "app/api/0123456789abcdef"
    target_group_arn_suffix = "targetgroup/api/0123456789abcdef"
    cluster_name            = "api-test"
    service_name            = "api-test"
    db_instance_identifier  = "api-test"
  }

  assert {
    condition = alltrue([
      for alarm in concat(values(aws_cloudwatch_metric_alarm.metric), values(aws_cloudwatch_metric_alarm.expression)) : alarm.alarm_actions == toset([var.alarm_topic_arn]) && alarm.ok_actions == toset([var.alarm_topic_arn])
    ])
    error_message = "Every alarm must notify the SNS topic when it fires and when it clears."
  }

  assert {
    condition = output.alarm_names == {
      error_rate      = "api-test-5xx-rate"
      healthy_hosts   = "api-test-healthy-hosts"
      running_tasks   = "api-test-running-tasks"
      p99_latency     = "api-test-p99-latency"
      cpu             = "api-test-cpu"
      db_cpu          = "api-test-db-cpu"
      db_free_storage = "api-test-db-free-storage"
      db_connections  = "api-test-db-connections"
    }
    error_message = "The service has its eight alarms, under the names they had before they became tables."
  }

  assert {
    condition = (
      length([for q in aws_cloudwatch_metric_alarm.expression["error_rate"].metric_query : q if try(q.metric[0].metric_name == "HTTPCode_Target_5XX_Count" && q.metric[0].dimensions.TargetGroup == var.target_group_arn_suffix, false)]) == 1
      && aws_cloudwatch_metric_alarm.expression["error_rate"].threshold == 5
      && aws_cloudwatch_metric_alarm.expression["error_rate"].treat_missing_data == "notBreaching"
    )
    error_message = "The target 5xx alarm fires above 5% of the service's requests; no requests is no errors."
  }

  assert {
    condition = (
      toset([for q in aws_cloudwatch_metric_alarm.expression["healthy_hosts"].metric_query : try(q.metric[0].metric_name, q.expression)]) == toset(["DesiredTaskCount", "HealthyHostCount", "desired - FILL(healthy, 0)"])
      && aws_cloudwatch_metric_alarm.expression["healthy_hosts"].comparison_operator == "GreaterThanThreshold"
      && aws_cloudwatch_metric_alarm.expression["healthy_hosts"].threshold == 0
      && aws_cloudwatch_metric_alarm.expression["healthy_hosts"].treat_missing_data == "breaching"
    )
    error_message = "The healthy-host alarm fires when fewer targets are healthy than tasks are desired, and when the metrics go silent."
  }

  assert {
    condition = (
      toset([for q in aws_cloudwatch_metric_alarm.expression["running_tasks"].metric_query : try(q.metric[0].metric_name, q.expression)]) == toset(["DesiredTaskCount", "RunningTaskCount", "desired - FILL(running, 0)"])
      && alltrue([for q in aws_cloudwatch_metric_alarm.expression["running_tasks"].metric_query : q.metric[0].dimensions == tomap({ ClusterName = "api-test", ServiceName = "api-test" }) if length(q.metric) > 0])
      && aws_cloudwatch_metric_alarm.expression["running_tasks"].threshold == 0
      && aws_cloudwatch_metric_alarm.expression["running_tasks"].treat_missing_data == "breaching"
    )
    error_message = "The running-task alarm fires when the service runs fewer tasks than desired, and when Container Insights goes silent."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.metric["p99_latency"].extended_statistic == "p99" && aws_cloudwatch_metric_alarm.metric["p99_latency"].metric_name == "TargetResponseTime" && aws_cloudwatch_metric_alarm.metric["p99_latency"].threshold == 1
    error_message = "Latency is alarmed on p99 target response time above 1 s."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.metric["cpu"].namespace == "AWS/ECS" && aws_cloudwatch_metric_alarm.metric["cpu"].metric_name == "CPUUtilization" && aws_cloudwatch_metric_alarm.metric["cpu"].threshold == 85
    error_message = "Service CPU is alarmed above 85%."
  }

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.metric["db_cpu"].namespace == "AWS/RDS" && aws_cloudwatch_metric_alarm.metric["db_cpu"].metric_name == "CPUUtilization"
      && aws_cloudwatch_metric_alarm.metric["db_cpu"].dimensions == tomap({ DBInstanceIdentifier = "api-test" })
      && aws_cloudwatch_metric_alarm.metric["db_cpu"].threshold == 80
      && aws_cloudwatch_metric_alarm.metric["db_cpu"].treat_missing_data == "breaching"
    )
    error_message = "Database CPU is alarmed above 80%, and a silent database is breaching."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.metric["db_free_storage"].metric_name == "FreeStorageSpace" && aws_cloudwatch_metric_alarm.metric["db_free_storage"].comparison_operator == "LessThanThreshold" && aws_cloudwatch_metric_alarm.metric["db_free_storage"].treat_missing_data == "breaching"
    error_message = "The database alarm fires when free storage runs low, or when the database is silent."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.metric["db_connections"].metric_name == "DatabaseConnections" && aws_cloudwatch_metric_alarm.metric["db_connections"].comparison_operator == "GreaterThanThreshold" && aws_cloudwatch_metric_alarm.metric["db_connections"].threshold == 80 && aws_cloudwatch_metric_alarm.metric["db_connections"].treat_missing_data == "breaching"
    error_message = "The connection alarm fires above 80 connections, or when the database is silent."
  }
}

run "alerting_has_a_topic_and_watches_the_load_balancer" {
  command = apply

  module {
    source = "../../modules/alerting"
  }

  variables {
    name           = "api-test"
    kms_key_arn    = "arn:aws:kms:eu-west-1:123456789012:key/0b7e6a4c-1f0d-4d33-9a55-5c0f6d2b7e10"
    alb_arn_suffix = "app/api/0123456789abcdef"
    emails         = ["oncall@example.com"]
  }

  assert {
    condition     = aws_sns_topic.this.name == "api-test-alarms" && aws_sns_topic.this.kms_master_key_id == var.kms_key_arn
    error_message = "The environment's topic is encrypted with its key."
  }

  assert {
    condition     = aws_sns_topic_subscription.email["oncall@example.com"].protocol == "email" && aws_sns_topic_subscription.email["oncall@example.com"].topic_arn == aws_sns_topic.this.arn
    error_message = "The e-mail address is subscribed to the topic."
  }

  assert {
    condition = (
      length([for q in aws_cloudwatch_metric_alarm.load_balancer_5xx_rate.metric_query : q if try(q.metric[0].metric_name == "HTTPCode_ELB_5XX_Count" && q.metric[0].dimensions == tomap({ LoadBalancer = var.alb_arn_suffix }), false)]) == 1
      && aws_cloudwatch_metric_alarm.load_balancer_5xx_rate.alarm_actions == toset([aws_sns_topic.this.arn])
      && aws_cloudwatch_metric_alarm.load_balancer_5xx_rate.threshold == 5
    )
    error_message = "The load balancer's own 5xx (no healthy target) above 5% of requests notify the topic."
  }

  assert {
    condition     = output.topic_arn == aws_sns_topic.this.arn
    error_message = "The topic is what the services' alarms notify."
  }
}

run "alerting_without_emails_subscribes_nobody" {
  command = plan

  module {
    source = "../../modules/alerting"
  }

  variables {
    name           = "api-test"
    kms_key_arn    = "arn:aws:kms:eu-west-1:123456789012:key/0b7e6a4c-1f0d-4d33-9a55-5c0f6d2b7e10"
    alb_arn_suffix = "app/api/0123456789abcdef"
  }

  assert {
    condition     = length(aws_sns_topic_subscription.email) == 0
    error_message = "Without an address nobody is subscribed."
  }
}

run "alerting_refuses_a_malformed_address" {
  command = plan

  module {
    source = "../../modules/alerting"
  }

  variables {
    name           = "api-test"
    kms_key_arn    = "arn:aws:kms:eu-west-1:123456789012:key/0b7e6a4c-1f0d-4d33-9a55-5c0f6d2b7e10"
    alb_arn_suffix = "app/api/0123456789abcdef"
    emails         = ["oncall"]
  }

  expect_failures = [var.emails]
}
