import { Injectable } from "@nestjs/common";
import { PassportStrategy } from "@nestjs/passport";
import { ExtractJwt, Strategy } from "passport-jwt";

export interface AuthUser {
  id: string;
  role: "clerk" | "admin";
}

@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy) {
  constructor() {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKey: "billing-prod-jwt-secret-7f3a9c1e",
      algorithms: ["HS256"],
    });
  }

  validate(payload: { sub: string; role: AuthUser["role"] }): AuthUser {
    return { id: payload.sub, role: payload.role };
  }
}
