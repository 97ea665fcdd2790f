variable "ecr_repository_arn" {
  description = "Repository the deploy pushes the service's images to."
  type        = string
}

variable "cluster_arn" {
  description = "Cluster the service and its migration task run in."
  type        = string
}

variable "service_arn" {
  description = "Service the deploy updates."
  type        = string
}

variable "app_task_family" {
  description = "Task definition family of the app, which the deploy registers revisions in."
  type        = string
}

variable "migration_task_family" {
  description = "Task definition family of the migration task, which the deploy runs (as it runs the roles task)."
  type        = string
}

variable "roles_task_family" {
  description = "Task definition family of the roles task, which the deploy runs before the migration."
  type        = string
}

variable "pass_role_arns" {
  description = "Execution and task roles the deploy hands to ECS in new task definition revisions."
  type        = list(string)
}

variable "log_group_arn" {
  description = "Log group the deploy reads the migration output from."
  type        = string
}

variable "secret_arns" {
  description = "Secrets whose metadata the deploy checks (never their values) before rolling out: those the service's tasks need."
  type        = list(string)
}
