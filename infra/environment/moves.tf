# Where state from before the environment root replaced modules/stack, and before the API ran
# through modules/routed-service, now lives: an upgrade moves it, destroying nothing
# (infra/tests/test_moto_apply.py plans such an upgrade).
moved {
  from = module.stack.module.kms
  to   = module.kms
}

moved {
  from = module.stack.module.network
  to   = module.network
}

moved {
  from = module.stack.module.alb
  to   = module.alb
}

moved {
  from = module.stack.module.cluster
  to   = module.cluster
}

moved {
  from = module.stack.module.github_oidc
  to   = module.github_oidc
}

moved {
  from = module.stack.module.ecr
  to   = module.api.module.ecr
}

moved {
  from = module.stack.module.database
  to   = module.api.module.database
}

moved {
  from = module.stack.module.service
  to   = module.api.module.service
}

moved {
  from = module.stack.module.alarms
  to   = module.api.module.alarms
}

# The API's target group was the load balancer module's; now it is its route's, as every
# service's is. Same name and settings, so only its address changes.
moved {
  from = module.alb.aws_lb_target_group.this
  to   = module.api.module.route.aws_lb_target_group.this
}
