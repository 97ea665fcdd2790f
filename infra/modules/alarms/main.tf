# One service's alarms: its responses, its tasks and its database, as two tables (alarms on
# one metric, and alarms on an expression over several). The load balancer's own 5xx are the
# environment's (modules/alerting).
locals {
  actions = [var.alarm_topic_arn]
  alb     = { LoadBalancer = var.alb_arn_suffix, TargetGroup = var.target_group_arn_suffix }
  service = { ClusterName = var.cluster_name, ServiceName = var.service_name }
  db      = { DBInstanceIdentifier = var.db_instance_identifier }

  # Per minute, three of five minutes past the threshold, unless an alarm says otherwise.
  metric_alarms = {
    p99_latency = {
      description = "p99 response time of the service above ${var.p99_latency_seconds} s"
      namespace   = "AWS/ApplicationELB"
      metric      = "TargetResponseTime"
      dimensions  = local.alb
      statistic   = "p99"
      threshold   = var.p99_latency_seconds
      missing     = "notBreaching"
    }
    cpu = {
      description = "Service CPU above ${var.cpu_percent}% (autoscaling is at its maximum or too slow)"
      namespace   = "AWS/ECS"
      metric      = "CPUUtilization"
      dimensions  = local.service
      statistic   = "Average"
      threshold   = var.cpu_percent
      missing     = "missing"
    }
    db_free_storage = {
      description = "Database free storage below ${var.db_free_storage_bytes} bytes"
      namespace   = "AWS/RDS"
      metric      = "FreeStorageSpace"
      dimensions  = local.db
      statistic   = "Minimum"
      threshold   = var.db_free_storage_bytes
      below       = true
      period      = 300
      evaluation  = 2
      datapoints  = null
      missing     = "breaching"
    }
    # RDS reports every minute while the instance runs: silence means it is down.
    db_cpu = {
      description = "Database CPU above ${var.db_cpu_percent}% (or the instance reports nothing)"
      namespace   = "AWS/RDS"
      metric      = "CPUUtilization"
      dimensions  = local.db
      statistic   = "Average"
      threshold   = var.db_cpu_percent
      missing     = "breaching"
    }
    db_connections = {
      description = "More than ${var.db_connections} database connections (max_connections is near; or the instance reports nothing)"
      namespace   = "AWS/RDS"
      metric      = "DatabaseConnections"
      dimensions  = local.db
      statistic   = "Maximum"
      threshold   = var.db_connections
      missing     = "breaching"
    }
  }

  # Each alarm on an expression (its query id `result`) over the per-minute metrics it names.
  expression_alarms = {
    error_rate = {
      name        = "5xx-rate"
      description = "More than ${var.error_rate_percent}% of the service's requests answered 5xx by its tasks"
      result      = "rate"
      expression  = "IF(requests > 0, 100 * FILL(errors, 0) / requests, 0)"
      label       = "5xx percent"
      threshold   = var.error_rate_percent
      evaluation  = 3
      datapoints  = 2
      # No requests is no errors; a service that is down shows in the healthy-host alarm.
      missing = "notBreaching"
      metrics = {
        errors   = { namespace = "AWS/ApplicationELB", metric = "HTTPCode_Target_5XX_Count", dimensions = local.alb, statistic = "Sum" }
        requests = { namespace = "AWS/ApplicationELB", metric = "RequestCount", dimensions = local.alb, statistic = "Sum" }
      }
    }
    # Desired minus healthy, so the alarm follows autoscaling; no healthy-host data is no
    # healthy host, and no data at all (the service or its target group gone) is breaching too.
    healthy_hosts = {
      description = "Fewer healthy targets than desired tasks for ${var.below_desired_minutes} minutes"
      result      = "missing"
      expression  = "desired - FILL(healthy, 0)"
      label       = "Desired tasks not healthy in the target group"
      threshold   = 0
      evaluation  = var.below_desired_minutes
      missing     = "breaching"
      metrics = {
        desired = { namespace = "ECS/ContainerInsights", metric = "DesiredTaskCount", dimensions = local.service, statistic = "Maximum" }
        healthy = { namespace = "AWS/ApplicationELB", metric = "HealthyHostCount", dimensions = local.alb, statistic = "Minimum" }
      }
    }
    running_tasks = {
      description = "Fewer running tasks than desired for ${var.below_desired_minutes} minutes (tasks crash or cannot start)"
      result      = "missing"
      expression  = "desired - FILL(running, 0)"
      label       = "Desired tasks not running"
      threshold   = 0
      evaluation  = var.below_desired_minutes
      missing     = "breaching"
      metrics = {
        desired = { namespace = "ECS/ContainerInsights", metric = "DesiredTaskCount", dimensions = local.service, statistic = "Maximum" }
        running = { namespace = "ECS/ContainerInsights", metric = "RunningTaskCount", dimensions = local.service, statistic = "Minimum" }
      }
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "metric" {
  for_each = local.metric_alarms

  alarm_name          = "${var.name}-${replace(each.key, "_", "-")}"
  alarm_description   = each.value.description
  namespace           = each.value.namespace
  metric_name         = each.value.metric
  dimensions          = each.value.dimensions
  statistic           = startswith(each.value.statistic, "p") ? null : each.value.statistic
  extended_statistic  = startswith(each.value.statistic, "p") ? each.value.statistic : null
  period              = try(each.value.period, 60)
  evaluation_periods  = try(each.value.evaluation, 5)
  datapoints_to_alarm = try(each.value.datapoints, 3)
  comparison_operator = try(each.value.below, false) ? "LessThanThreshold" : "GreaterThanThreshold"
  threshold           = each.value.threshold
  treat_missing_data  = each.value.missing
  alarm_actions       = local.actions
  ok_actions          = local.actions

  tags = var.tags
}

resource "aws_cloudwatch_metric_alarm" "expression" {
  for_each = local.expression_alarms

  alarm_name          = "${var.name}-${try(each.value.name, replace(each.key, "_", "-"))}"
  alarm_description   = each.value.description
  comparison_operator = "GreaterThanThreshold"
  threshold           = each.value.threshold
  evaluation_periods  = each.value.evaluation
  datapoints_to_alarm = try(each.value.datapoints, null)
  treat_missing_data  = each.value.missing
  alarm_actions       = local.actions
  ok_actions          = local.actions

  metric_query {
    id          = each.value.result
    expression  = each.value.expression
    label       = each.value.label
    return_data = true
  }

  dynamic "metric_query" {
    for_each = each.value.metrics

    content {
      id = metric_query.key

      metric {
        namespace   = metric_query.value.namespace
        metric_name = metric_query.value.metric
        dimensions  = metric_query.value.dimensions
        period      = 60
        stat        = metric_query.value.statistic
      }
    }
  }

  tags = var.tags
}
