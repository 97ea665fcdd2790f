output "cluster_arn" {
  description = "Cluster the service runs in, as the service itself records it."
  value       = aws_ecs_service.this.cluster
}

output "service_name" {
  description = "Name of the ECS service."
  value       = aws_ecs_service.this.name
}

output "service_arn" {
  description = "ARN of the ECS service."
  value       = aws_ecs_service.this.id
}

output "app_task_family" {
  description = "Task definition family of the app; deploys register revisions in it."
  value       = aws_ecs_task_definition.app.family
}

output "app_task_definition_arn" {
  description = "Task definition revision Terraform registered for the app."
  value       = aws_ecs_task_definition.app.arn
}

output "migration_task_family" {
  description = "Task definition family of the migration task."
  value       = aws_ecs_task_definition.migrate.family
}

output "migration_task_definition_arn" {
  description = "Task definition revision Terraform registered for the migration task."
  value       = aws_ecs_task_definition.migrate.arn
}

output "roles_task_family" {
  description = "Task definition family of the one-off roles task, which deploys run before the migrations."
  value       = aws_ecs_task_definition.roles.family
}

output "roles_task_definition_arn" {
  description = "Task definition revision Terraform registered for the roles task."
  value       = aws_ecs_task_definition.roles.arn
}

output "migration_role" {
  description = "Database role the migrations log in as (IAM); it owns the schema."
  value       = local.migration_role
}

output "service_role" {
  description = "Database role the app logs in as (IAM); it may only read and write rows."
  value       = local.service_role
}

output "migration_task_role_arn" {
  description = "Role the migration task runs as."
  value       = aws_iam_role.migrate.arn
}

output "network_configuration" {
  description = "awsvpcConfiguration of the service, as JSON for `aws ecs run-task --network-configuration`."
  value = jsonencode({
    awsvpcConfiguration = {
      subnets        = var.subnet_ids
      securityGroups = [aws_security_group.this.id]
      assignPublicIp = "DISABLED"
    }
  })
}

output "security_group_id" {
  description = "Security group of the tasks."
  value       = aws_security_group.this.id
}

output "log_group_name" {
  description = "CloudWatch log group of the three containers (streams app/..., migrate/... and roles/...)."
  value       = aws_cloudwatch_log_group.this.name
}

output "log_group_arn" {
  description = "ARN of the log group."
  value       = aws_cloudwatch_log_group.this.arn
}

output "execution_role_arn" {
  description = "Role the ECS agent uses to start tasks."
  value       = aws_iam_role.execution.arn
}

output "task_role_arn" {
  description = "Role the app runs as."
  value       = aws_iam_role.task.arn
}

output "secrets" {
  description = "What ECS injects into the app container at task start: variable name => secret ARN (never a value); no database password."
  value       = { for secret in jsondecode(aws_ecs_task_definition.app.container_definitions)[0].secrets : secret.name => secret.valueFrom }
}
