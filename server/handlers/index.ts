// Every command's handler, by name. The type makes sure no command in the protocol is left out.

import type { CommandName } from '../../shared/protocol.js';
import type { Handler } from './define.js';
import { place } from './dot/place.js';
import { remove } from './dot/remove.js';
import { setRules } from './forum/setRules.js';
import { setStructure } from './forum/setStructure.js';
import { correct } from './idea/correct.js';
import { edit } from './idea/edit.js';
import { hide } from './idea/hide.js';
import { restore } from './idea/restore.js';
import { submit } from './idea/submit.js';
import { withdraw } from './idea/withdraw.js';
import { join } from './participant/join.js';
import { rename } from './participant/rename.js';
import { setPhase } from './phase/set.js';
import { reveal } from './priority/reveal.js';
import { setLanguage } from './session/setLanguage.js';
import { similarOnWall, wallIdeas, watchWall } from './wall/watch.js';
import { setAddressCap } from './admission/setAddressCap.js';
import { setMode } from './admission/setMode.js';
import { setResultsTop } from './display/setResultsTop.js';
import { publish } from './results/publish.js';
import { rotateScreenKey } from './display/rotateKey.js';
import { show } from './display/show.js';
import { grant } from './export/grant.js';
import { invite } from './host/invite.js';
import { revoke } from './host/revoke.js';
import { cast as staffCast } from './staff/cast.js';
import { check as staffCheck } from './staff/check.js';
import { sendCode as staffSendCode } from './staff/sendCode.js';
import { merge } from './idea/merge.js';
import { unmerge } from './idea/unmerge.js';
import { paperBallots } from './paper/ballots.js';
import { paperDots } from './paper/dots.js';
import { paperIdea } from './paper/idea.js';
import { extendTimer } from './timer/extend.js';
import { setTimer } from './timer/set.js';
import { setWordList } from './wordList/set.js';
import { rotateKey } from './facilitator/rotateKey.js';
import { pageOfParticipants } from './participant/page.js';
import { voidParticipant } from './participant/void.js';
import { previewVoidMany, voidMany } from './participant/voidMany.js';
import { approve, pause, refuseJoins, resume, setExpected } from './admission/attendance.js';
import { issue } from './tickets/issue.js';
import { addListed } from './identity/addListed.js';
import { issueCodes } from './identity/issueCodes.js';
import { setMethod } from './identity/setMethod.js';
import { prove } from './person/prove.js';
import { requestCode } from './person/requestCode.js';
import { signIn } from './person/signIn.js';
import { release } from './tickets/release.js';
import { cast, withdraw as withdrawCityBallot } from './city/cast.js';
import { anonymise } from './city/anonymise.js';
import { setVote } from './city/setVote.js';

export const HANDLERS: { [N in CommandName]: Handler<N> } = {
  'participant:join': join,
  'person:prove': prove,
  'person:requestCode': requestCode,
  'person:signIn': signIn,
  'participant:rename': rename,
  'idea:submit': submit,
  'idea:edit': edit,
  'idea:withdraw': withdraw,
  'idea:hide': hide,
  'idea:restore': restore,
  'idea:correct': correct,
  'idea:merge': merge,
  'idea:unmerge': unmerge,
  'paper:idea': paperIdea,
  'paper:dots': paperDots,
  'paper:ballots': paperBallots,
  'host:invite': invite,
  'host:revoke': revoke,
  'staff:sendCode': staffSendCode,
  'staff:check': staffCheck,
  'staff:cast': staffCast,
  'timer:set': setTimer,
  'timer:extend': extendTimer,
  'wordList:set': setWordList,
  'wall:watch': watchWall,
  'wall:ideas': wallIdeas,
  'wall:similar': similarOnWall,
  'dot:place': place,
  'dot:remove': remove,
  'forum:setStructure': setStructure,
  'forum:setRules': setRules,
  'phase:set': setPhase,
  'priority:reveal': reveal,
  'display:show': show,
  'display:setResultsTop': setResultsTop,
  'results:publish': publish,
  'session:setLanguage': setLanguage,
  'admission:setMode': setMode,
  'admission:setAddressCap': setAddressCap,
  'tickets:issue': issue,
  'tickets:release': release,
  'identity:setMethod': setMethod,
  'identity:issueCodes': issueCodes,
  'identity:addListed': addListed,
  'participant:page': pageOfParticipants,
  'participant:void': voidParticipant,
  'participant:previewVoidMany': previewVoidMany,
  'participant:voidMany': voidMany,
  'admission:setExpected': setExpected,
  'admission:pause': pause,
  'admission:resume': resume,
  'admission:approve': approve,
  'admission:refuse': refuseJoins,
  'facilitator:rotateKey': rotateKey,
  'display:rotateKey': rotateScreenKey,
  'export:grant': grant,
  'city:setVote': setVote,
  'city:cast': cast,
  'city:withdraw': withdrawCityBallot,
  'city:anonymise': anonymise,
};
